package org.caffe4j.cli;

import org.caffe4j.files.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code ./caffe4j} launcher on the packaged jar (failsafe, after {@code package}), on the JDK running this test
 * and on the newest JDK installed beside it (JDK 25 reports archive problems on stderr unless told not to, JDK 17
 * does not): its class-data-sharing archive is written by the first model-loading run, used by the next ones, and
 * never a reason for a word on stderr or a different answer, even when it is broken.
 */
class LauncherIT {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    /** The test's JDK, and the newest one under /usr/lib/jvm when that is another. */
    private static List<Path> jdks() throws IOException {
        Path mine = Path.of(System.getProperty("java.home")).toRealPath();
        List<Path> homes = new ArrayList<>(List.of(mine));
        Path newest = null;
        int newestFeature = 0;
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> s = Files.list(jvms)) {
                for (Path home : s.toList()) {
                    Path release = home.resolve("release");
                    if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin/java"))) {
                        continue;
                    }
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)")
                            .matcher(Files.readString(release));
                    if (m.find() && Integer.parseInt(m.group(1)) > newestFeature) {
                        newestFeature = Integer.parseInt(m.group(1));
                        newest = home.toRealPath();
                    }
                }
            }
        }
        if (newest != null && !newest.equals(mine)) {
            homes.add(newest);
        }
        return homes;
    }

    private Result launch(Path jdk, Path cds, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "caffe4j"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("CAFFE4J_JAVA", jdk.resolve("bin").resolve("java").toString());
        pb.environment().put("CAFFE4J_CDS_DIR", cds.toString());
        pb.environment().remove("CAFFE4J_JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = dir.resolve("stdout"), err = dir.resolve("stderr");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher finished");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }

    @Test
    void theClassArchiveIsMadeOnceUsedAfterAndNeverHeard() throws Exception {
        assertTrue(Files.isRegularFile(Path.of("cli/target/caffe4j-all.jar")), "`package` built the jar");
        for (Path jdk : jdks()) {
            archiveOn(jdk, Files.createDirectories(dir.resolve("cds-" + jdk.getFileName())));
        }
    }

    private void archiveOn(Path jdk, Path cds) throws Exception {
        Path x = dir.resolve("digit.npy");
        float[] digit = new float[28 * 28];
        for (int i = 0; i < digit.length; i++) {
            digit[i] = (i % 28 > 10 && i % 28 < 17) ? 1f : 0f;
        }
        Npy.write(x, new int[]{1, 1, 28, 28}, digit);
        String[] run = {"run", "testdata/lenet_mnist/lenet.prototxt", "testdata/lenet_mnist/lenet_iter_10000.caffemodel",
                "--input", x.toString(), "--out", dir.resolve("out").toString()};
        boolean baseArchive = Files.isRegularFile(jdk.resolve("lib").resolve("server").resolve("classes.jsa"));

        Result failed = launch(jdk, cds, Map.of(), "run", "testdata/lenet_mnist/lenet.prototxt", "missing.caffemodel",
                "--input", x.toString(), "--out", dir.resolve("no").toString());
        assertEquals(2, failed.code(), jdk + ": " + failed.err());
        assertTrue(failed.err().startsWith("error: ") && failed.err().lines().count() == 1, jdk + ": " + failed.err());
        assertEquals(List.of(), files(cds), jdk + ": a failed run keeps no archive of the few classes it loaded");

        Result first = launch(jdk, cds, Map.of(), run);
        assertEquals(0, first.code(), jdk + ": " + first.err());
        assertEquals("", first.err(), jdk.toString());
        assertTrue(first.out().startsWith("prob 1x10 -> "), jdk + ": " + first.out());
        float[] answer = Npy.read(dir.resolve("out").resolve("prob.npy")).data();
        List<Path> archives = files(cds);
        if (!baseArchive) {
            assertEquals(List.of(), archives, jdk + " has no base archive to add to");
            return;
        }
        assertEquals(1, archives.size(), jdk + ": " + archives);
        assertTrue(archives.get(0).getFileName().toString().endsWith(".jsa"), jdk + ": " + archives);

        // -Xshare:on: the JVM refuses to start unless it maps the archive, so this run proves the archive is used.
        Result mapped = launch(jdk, cds, Map.of("CAFFE4J_JAVA_OPTS", "-Xshare:on -Xmx1g"), run);
        assertEquals(0, mapped.code(), jdk + ": " + mapped.err());
        assertEquals("", mapped.err(), jdk.toString());
        assertEquals(first.out(), mapped.out(), jdk + ": the JVM's own log goes to stdout, which is the run's");
        assertArrayEquals(answer, Npy.read(dir.resolve("out").resolve("prob.npy")).data());
        assertEquals(archives, files(cds));

        // One image: the launcher keeps C2 out and the model runs the twins; the answer is the usual one.
        Result classified = launch(jdk, cds, Map.of(), "classify", "--model", "lenet-mnist", "--top", "1",
                "testdata/mnist/t10k_01_label2.pgm");
        assertEquals(0, classified.code(), jdk + ": " + classified.err());
        assertEquals("", classified.err(), jdk.toString());
        assertTrue(classified.out().lines().skip(1).findFirst().orElse("").strip().endsWith(" 2"),
                jdk + ": " + classified.out());

        Files.write(archives.get(0), new byte[64 * 1024]); // broken: the JVM ignores it, silently
        Result broken = launch(jdk, cds, Map.of(), run);
        assertEquals(0, broken.code(), jdk + ": " + broken.err());
        assertEquals("", broken.err(), jdk.toString());
        assertEquals(first.out(), broken.out(), jdk + ": the JVM's own log goes to stdout, which is the run's");
        assertArrayEquals(answer, Npy.read(dir.resolve("out").resolve("prob.npy")).data());
    }
}
