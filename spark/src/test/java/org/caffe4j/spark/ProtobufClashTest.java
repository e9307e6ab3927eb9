package org.caffe4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.caffe4j.classify.Classifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * caffe4j's jar carries its protobuf relocated: an application's own protobuf-java, older or newer, first on the
 * classpath or not, never meets caffe4j's generated classes.
 */
@Timeout(120)
class ProtobufClashTest {
    /** Loads the bundled LeNet and classifies one digit: the main of the separate JVM below. */
    public static void main(String[] args) throws Exception {
        try (Classifier c = Classifier.load("lenet-mnist")) {
            System.out.println(c.classify(Path.of("testdata/mnist/t10k_00_label7.pgm"), 1).get(0).label());
        }
        System.out.println(com.google.protobuf.Message.class.getProtectionDomain().getCodeSource().getLocation());
    }

    @Test
    void anOldProtobufFirstOnTheClasspathIsHarmless() throws Exception {
        Path oldProtobuf = Path.of(System.getProperty("caffe4j.oldProtobufJar"));
        assertTrue(Files.isRegularFile(oldProtobuf), oldProtobuf.toString());
        List<String> cp = new ArrayList<>(List.of(oldProtobuf.toString()));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            // Spark and its protobuf stay out: this JVM has only the old protobuf, caffe4j and its own dependencies.
            if (!entry.contains("/org/apache/") && !entry.contains("protobuf-java") && !entry.contains("/org/scala-lang/")) {
                cp.add(entry);
            }
        }
        Path home = Files.createTempDirectory("caffe4j-home");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Duser.home=" + home, "-cp", String.join(File.pathSeparator, cp),
                ProtobufClashTest.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().filter(l -> !l.startsWith("WARNING")).toList();
        assertEquals("7", lines.get(0), out);
        assertTrue(lines.get(1).endsWith("protobuf-java-3.jar"), "the JVM's protobuf is the old one: " + out);
        try (var written = Files.walk(home)) {
            assertEquals(List.of(home), written.toList(), "nothing written under the home folder");
        }
    }

    @Test
    void sparksOwnProtobufIsHarmless() throws Exception {
        // This JVM is Spark's: its protobuf-java (4.29) is first, older than the one caffe4j's classes need.
        Class<?> version = Class.forName("com.google.protobuf.RuntimeVersion");
        int minor = version.getField("MINOR").getInt(null);
        assertTrue(minor < 31, "Spark's protobuf 4." + minor);
        assertNotEquals(com.google.protobuf.Message.class.getProtectionDomain().getCodeSource(),
                Class.forName("org.caffe4j.shaded.protobuf.Message").getProtectionDomain().getCodeSource());
        try (Classifier c = Classifier.load("lenet-mnist")) {
            assertEquals("2", c.classify(Path.of("testdata/mnist/t10k_01_label2.pgm"), 1).get(0).label());
        }
    }
}
