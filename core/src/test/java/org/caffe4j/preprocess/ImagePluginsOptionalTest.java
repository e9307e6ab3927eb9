package org.caffe4j.preprocess;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * caffe4j-core declares the TwelveMonkeys ImageIO plug-ins optional (they register with ImageIO for the whole JVM).
 * Without them, a JVM still decodes plain JPEG and PNG, and a PGM or CMYK JPEG fails with a message naming the
 * plug-in to add (never other colours than OpenCV's): checked in a child JVM whose class path leaves the plug-ins out.
 */
class ImagePluginsOptionalTest {

    /** Child JVM: decodes each file named on the command line and prints "ok WxH" or the error message. */
    public static void main(String[] args) throws Exception {
        for (String file : args) {
            try {
                System.out.println("ok " + fingerprint(ImageDecoder.read(Path.of(file))));
            } catch (ImageDecodeException e) {
                System.out.println("error " + e.getMessage());
            }
        }
    }

    /** Size and a hash of every pixel's RGB value. */
    static String fingerprint(java.awt.image.BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        return w + "x" + h + " " + java.util.Arrays.hashCode(image.getRGB(0, 0, w, h, null, 0, w));
    }

    @Test
    @Timeout(120)
    void withoutThePluginsPlainImagesDecodeAndTheOthersNameThePlugin() throws Exception {
        List<String> cp = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("twelvemonkeys")) {
                cp.add(entry);
            }
        }
        Path pgm = Files.list(Path.of("testdata/mnist")).filter(p -> p.toString().endsWith(".pgm")).sorted()
                .findFirst().orElseThrow();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, cp), ImagePluginsOptionalTest.class.getName(),
                "testdata/images/cat.jpg", "testdata/images/cat.png", pgm.toString(), "testdata/images/cat_cmyk.jpg")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(100, TimeUnit.SECONDS), "the child JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertEquals(4, lines.size(), out);
        // With or without the plug-in, a plain JPEG and a PNG decode to the same pixels.
        assertEquals("ok " + fingerprint(ImageDecoder.read(Path.of("testdata/images/cat.jpg"))), lines.get(0), out);
        assertEquals("ok " + fingerprint(ImageDecoder.read(Path.of("testdata/images/cat.png"))), lines.get(1), out);
        assertTrue(lines.get(2).startsWith("error " + pgm + ": ") && lines.get(2).contains(ImageDecoder.PNM_PLUGIN), out);
        // The JDK's reader would give other colours for a CMYK JPEG than OpenCV: refused, never silently different.
        assertTrue(lines.get(3).startsWith("error testdata/images/cat_cmyk.jpg: ")
                && lines.get(3).contains(ImageDecoder.JPEG_PLUGIN), out);
    }
}
