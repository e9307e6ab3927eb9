package org.caffe4j.cli;

import org.caffe4j.fetch.LocalHttpServer;
import org.caffe4j.testing.HostileImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifyCommandTest {
    @TempDir
    Path cache;

    private CliRun classify(String... args) {
        List<String> all = new ArrayList<>(List.of("classify", "--cache", cache.toString(), "--no-progress"));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    /** Top-1 label per file from the text output ("FILE" then "  P  LABEL" lines). */
    private static List<String> topLabels(String out) {
        List<String> labels = new ArrayList<>();
        String[] lines = out.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith(" ") && i + 1 < lines.length) {
                labels.add(lines[i].replaceAll(".*label(\\d).*", "$1") + "=" + lines[i + 1].trim().split("\\s+")[1]);
            }
        }
        return labels;
    }

    @Test
    void lenetClassifiesTheTenDigitsFolder() {
        CliRun r = classify("--model", "lenet-mnist", "--top", "2", "--batch", "4", "testdata/mnist");
        assertEquals(0, r.code(), r.toString());
        List<String> pairs = topLabels(r.out());
        assertEquals(10, pairs.size(), r.out());
        for (String pair : pairs) {
            String[] kv = pair.split("=");
            assertEquals(kv[0], kv[1], "true label = predicted label: " + pair);
        }
        assertTrue(r.out().contains("testdata/mnist/t10k_00_label7.pgm\n  "), r.out());
    }

    @Test
    void batchOfTenPrintsTheBitsOfImagesOneByOne() {
        // --json prints each probability with Float.toString, i.e. every bit of the float; LeNet's InnerProducts run
        // as a GEMV at batch 1 and as an SGEMM at batch 10, which must not change a digit.
        CliRun one = classify("--model", "lenet-mnist", "--top", "10", "--json", "--threads", "2", "--batch", "1",
                "testdata/mnist");
        CliRun ten = classify("--model", "lenet-mnist", "--top", "10", "--json", "--threads", "2", "--batch", "10",
                "testdata/mnist");
        assertEquals(0, one.code(), one.toString());
        assertEquals(0, ten.code(), ten.toString());
        assertEquals(10, one.out().lines().count(), one.out());
        assertTrue(Pattern.compile("\"probability\": \\d\\.\\d{6}").matcher(one.out()).find(),
                "printed with all digits: " + one.out());
        assertEquals(one.out(), ten.out());
    }

    @Test
    void badImagesAreReportedAndSkippedWithANonZeroExit(@TempDir Path dir) throws IOException {
        Files.copy(Path.of("testdata/mnist/t10k_00_label7.pgm"), dir.resolve("a_seven.pgm"));
        Files.copy(Path.of("testdata/mnist/t10k_01_label2.pgm"), dir.resolve("z_two.pgm"));
        Files.writeString(dir.resolve("notes.jpg"), "not an image\n");
        Files.write(dir.resolve("empty.png"), new byte[0]);
        byte[] cat = Files.readAllBytes(Path.of("testdata/images/cat.jpg"));
        Files.write(dir.resolve("cut.jpg"), java.util.Arrays.copyOf(cat, 5000));
        Files.writeString(dir.resolve("readme.txt"), "folders skip files that are not named like images");

        CliRun r = classify("--model", "lenet-mnist", "--top", "1", "--csv", dir.toString(),
                dir.resolve("missing.png").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        for (String bad : List.of("notes.jpg", "empty.png", "cut.jpg", "missing.png")) {
            assertTrue(r.err().contains("error: " + dir.resolve(bad) + ": "), bad + "\n" + r);
        }
        assertTrue(!r.err().contains("readme.txt"), r.toString());
        assertTrue(r.err().contains("4 of 6 images could not be classified"), r.toString());
        String[] csv = r.out().split("\n");
        assertEquals("file,rank,index,label,probability", csv[0]);
        assertEquals(3, csv.length, r.out());
        assertTrue(csv[1].startsWith(dir.resolve("a_seven.pgm") + ",1,7,7,"), csv[1]);
        assertTrue(csv[2].startsWith(dir.resolve("z_two.pgm") + ",1,2,2,"), csv[2]);
    }

    @Test
    void ownNetAndWeightsWithJsonOutput(@TempDir Path dir) throws IOException {
        Path labels = Files.write(dir.resolve("digits.txt"), List.of("zero", "one", "two", "three", "four", "five",
                "six", "seven", "eight", "nine"));
        CliRun r = classify("models/lenet-mnist/lenet.prototxt", "models/lenet-mnist/lenet_iter_10000.caffemodel",
                "--labels", labels.toString(), "--channels", "1", "--scale", "0.00390625", "--top", "3", "--json",
                "testdata/mnist/t10k_00_label7.pgm", "testdata/mnist/t10k_03_label0.pgm");
        assertEquals(0, r.code(), r.toString());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r.out());
        Matcher m = Pattern.compile("^\\{\"file\": \"testdata/mnist/t10k_00_label7.pgm\", \"predictions\": "
                + "\\[\\{\"index\": 7, \"label\": \"seven\", \"probability\": ([0-9.E-]+)\\}, ").matcher(lines[0]);
        assertTrue(m.find(), lines[0]);
        assertTrue(Double.parseDouble(m.group(1)) > 0.5);
        assertTrue(lines[1].contains("\"index\": 0, \"label\": \"zero\""), lines[1]);
        assertEquals(3, lines[0].split("\"index\"").length - 1, "top 3");
    }

    @Test
    void cifarThroughTheCliMatchesTheApiCount() {
        CliRun r = classify("--model", "cifar10-quick", "--top", "1", "--csv", "--threads", "1", "testdata/cifar10");
        assertEquals(0, r.code(), r.toString());
        int right = 0;
        String[] names = {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
        String[] rows = r.out().split("\n");
        assertEquals(21, rows.length);
        for (int i = 1; i < rows.length; i++) {
            String[] f = rows[i].split(",");
            String trueName = f[0].replaceAll(".*_label\\d_(\\w+)\\.ppm", "$1");
            assertEquals(names[Integer.parseInt(f[2])], f[3]);
            if (trueName.equals(f[3])) {
                right++;
            }
        }
        assertEquals(16, right, "the independent numpy forward pass got 16/20 with RGB input");
    }

    @Test
    void weightsAreFetchedOnFirstUse(@TempDir Path models) throws Exception {
        Path lenetWeights = Path.of("models/lenet-mnist/lenet_iter_10000.caffemodel");
        byte[] weights = Files.readAllBytes(lenetWeights);
        try (LocalHttpServer server = new LocalHttpServer(weights)) {
            Path dir = Files.createDirectories(models.resolve("lenet-remote"));
            Files.copy(Path.of("models/lenet-mnist/lenet.prototxt"), dir.resolve("lenet.prototxt"));
            Files.copy(Path.of("models/lenet-mnist/labels.txt"), dir.resolve("labels.txt"));
            String sha1 = java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-1").digest(weights));
            Files.writeString(dir.resolve("model.properties"), String.join("\n", "definition=lenet.prototxt",
                    "weights.file=remote.caffemodel", "weights.url=" + server.url("/good"), "weights.sha1=" + sha1,
                    "labels=labels.txt", "output=prob", "softmax=false", "input.channels=1", "input.resize=28",
                    "input.scale=0.00390625", ""));
            CliRun first = classify("--model", "lenet-remote", "--models", models.toString(), "--top", "1",
                    "testdata/mnist/t10k_02_label1.pgm");
            assertEquals(0, first.code(), first.toString());
            assertTrue(first.err().contains("fetching the weights of lenet-remote"), first.toString());
            assertTrue(first.out().contains("  1\n") || first.out().endsWith("  1\n"), first.out());
            assertTrue(Files.isRegularFile(cache.resolve("lenet-remote/remote.caffemodel")));
            server.close();
            CliRun second = classify("--model", "lenet-remote", "--models", models.toString(), "--top", "1",
                    "testdata/mnist/t10k_02_label1.pgm");
            assertEquals(0, second.code(), "cached weights need no server: " + second);
            assertTrue(!second.err().contains("fetching"), second.toString());
        }
    }

    @Test
    void usageErrors() {
        CliRun noModel = classify("testdata/mnist/t10k_00_label7.pgm");
        assertEquals(Main.EXIT_BAD_INPUT, noModel.code());
        assertTrue(noModel.err().contains("--model NAME, or NET WEIGHTS"), noModel.toString());
        CliRun noCrop = classify("--model", "lenet-mnist", "--oversample", "testdata/mnist");
        assertEquals(Main.EXIT_BAD_INPUT, noCrop.code());
        assertTrue(noCrop.err().startsWith("error: oversampling needs a crop size"), noCrop.toString());
        assertEquals("", noCrop.out());
        CliRun both = classify("--model", "lenet-mnist", "--json", "--csv", "testdata/mnist");
        assertEquals(Main.EXIT_BAD_INPUT, both.code());
    }

    /** Every option error is one line naming the option and the value, with no stack trace and no output. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--mean|abc|--mean 'abc': 'abc' is not a number",
            "--mean|NaN|--mean 'NaN': 'NaN' is not a finite number",
            "--mean|1,2|--mean '1,2' has 2 channel(s), the input has 1 (--channels)",
            "--scale|NaN|--scale must be positive and finite, got NaN",
            "--scale|0|--scale must be positive and finite, got 0.0",
            "--raw-scale|Infinity|--raw-scale must be positive and finite, got Infinity",
            "--raw-scale|abc|Invalid value for option '--raw-scale': 'abc' is not a float",
            "--resize|0|--resize must be positive, got '0'",
            "--resize|28x-1|--resize must be positive, got '28x-1'",
            "--resize|abc|--resize must be WIDTHxHEIGHT or one size, got 'abc'",
            "--crop|0x5|--crop must be positive, got '0x5'",
            "--crop|64|--crop 64x64 is larger than the resize 28x28",
            "--top|0|--top must be at least 1, got 0",
            "--top|abc|Invalid value for option '--top': 'abc' is not an int",
            "--batch|0|--batch must be at least 1, got 0",
            "--threads|0|--threads must be at least 1, got 0",
            "--max-pixels|0|--max-pixels must be at least 1, got 0",
            "--channels|2|--channels must be 1 (grey) or 3 (colour), got 2",
    })
    void optionErrorsNameTheOptionAndTheValue(String option, String value, String message) {
        CliRun r = classify("--model", "lenet-mnist", option, value, "testdata/mnist/t10k_00_label7.pgm");
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertEquals("error: " + message + "\n", r.err(), r.toString());
        assertEquals("", r.out());
    }

    @Test
    void resizeBeyondTheHeapIsRefusedBeforeAllocatingNamingTheOption() {
        // Was an int overflow ending in "Index 1410065408 out of bounds" and exit 3.
        CliRun r = classify("--model", "lenet-mnist", "--resize", "100000", "testdata/mnist/t10k_00_label7.pgm");
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().matches("error: --resize 100000x100000 needs 38147 MB, the heap allows \\d+ MB\n"),
                r.toString());
    }

    @Test
    void maxPixelsRefusesLargerImagesOneByOne() {
        CliRun r = classify("--model", "lenet-mnist", "--max-pixels", "783", "--csv", "testdata/mnist");
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("error: testdata/mnist/t10k_00_label7.pgm: PNM declares 28x28 = 784 pixels, more"
                + " than the limit of 783 pixels\n"), r.toString());
        assertTrue(r.err().endsWith("error: 10 of 10 images could not be classified\n"), r.toString());
        CliRun atLimit = classify("--model", "lenet-mnist", "--max-pixels", "784", "--top", "1",
                "testdata/mnist/t10k_00_label7.pgm");
        assertEquals(0, atLimit.code(), atLimit.toString());
    }

    /**
     * One batch of five, three of them bad at different stages (corrupt data, a header over the pixel limit, an
     * image smaller than the crop): the two good ones are still classified and printed in input order.
     */
    @Test
    @Timeout(60)
    void badImagesInABatchDoNotLoseTheOthers(@TempDir Path dir) throws IOException {
        Files.copy(Path.of("testdata/mnist/t10k_00_label7.pgm"), dir.resolve("a_seven.pgm"));
        byte[] jpg = HostileImages.tiny("jpg");
        Files.write(dir.resolve("b_cut.jpg"), java.util.Arrays.copyOf(jpg, jpg.length / 2));
        Files.write(dir.resolve("c_huge.png"), HostileImages.pngDeclaring(30000, 30000));
        byte[] header = "P5\n20 20\n255\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.write(dir.resolve("d_small.pgm"), java.util.Arrays.copyOf(header, header.length + 400));
        Files.copy(Path.of("testdata/mnist/t10k_01_label2.pgm"), dir.resolve("e_two.pgm"));

        CliRun r = classify("models/lenet-mnist/lenet.prototxt", "models/lenet-mnist/lenet_iter_10000.caffemodel",
                "--channels", "1", "--scale", "0.00390625", "--crop", "28", "--batch", "5", "--top", "1", "--csv",
                dir.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        String[] csv = r.out().split("\n");
        assertEquals(3, csv.length, r.out());
        assertTrue(csv[1].startsWith(dir.resolve("a_seven.pgm") + ",1,7,7,"), csv[1]);
        assertTrue(csv[2].startsWith(dir.resolve("e_two.pgm") + ",1,2,2,"), csv[2]);
        assertTrue(r.err().contains("error: " + dir.resolve("b_cut.jpg") + ": "), r.toString());
        assertTrue(r.err().contains("error: " + dir.resolve("c_huge.png") + ": PNG declares 30000x30000"), r.toString());
        assertTrue(r.err().contains("error: " + dir.resolve("d_small.pgm") + ": "), r.toString());
        assertTrue(r.err().contains("smaller than the crop 28x28"), r.toString());
        assertTrue(r.err().endsWith("error: 3 of 5 images could not be classified\n"), r.toString());
    }

    /**
     * FIFOs, link loops, broken links and links to folders are reported by name, never opened or followed, and
     * counted as failures; links to image files are classified.
     */
    @Test
    @Timeout(60)
    void specialEntriesInAFolderAreReportedAndNeverOpened(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("testdata/mnist/t10k_00_label7.pgm"), dir.resolve("a_seven.pgm"));
        HostileImages.fifo(dir.resolve("pipe.pgm"));
        HostileImages.fifo(dir.resolve("pipe-without-image-name"));
        Files.createSymbolicLink(dir.resolve("loop1.png"), Path.of("loop2.png"));
        Files.createSymbolicLink(dir.resolve("loop2.png"), Path.of("loop1.png"));
        Files.createSymbolicLink(dir.resolve("broken.jpg"), Path.of("nowhere.jpg"));
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Files.copy(Path.of("testdata/mnist/t10k_01_label2.pgm"), sub.resolve("two.pgm"));
        Files.createSymbolicLink(sub.resolve("back"), Path.of(".."));
        Files.createSymbolicLink(dir.resolve("linked.pgm"), sub.resolve("two.pgm"));
        Path otherFolder = Files.createDirectory(dir.resolve("other"));
        Files.createSymbolicLink(sub.resolve("to-other"), otherFolder);
        Path outside = HostileImages.fifo(dir.getParent().resolve(dir.getFileName() + "-given.pgm"));
        try {
            CliRun r = classify("--model", "lenet-mnist", "--top", "1", "--csv", dir.toString(), outside.toString());
            assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
            List<String> expected = List.of(
                    "error: " + dir.resolve("broken.jpg") + ": broken link",
                    "error: " + dir.resolve("loop1.png") + ": symbolic link loop",
                    "error: " + dir.resolve("loop2.png") + ": symbolic link loop",
                    "error: " + dir.resolve("pipe-without-image-name") + ": not a regular file",
                    "error: " + dir.resolve("pipe.pgm") + ": not a regular file",
                    "error: " + sub.resolve("back") + ": symbolic link loop",
                    "error: " + sub.resolve("to-other") + ": link to a folder, not followed (name the folder itself"
                            + " to read it)",
                    "error: " + outside + ": not a regular file",
                    "error: 8 of 11 images could not be classified");
            assertEquals(expected, List.of(r.err().split("\n")), r.toString());
            String[] csv = r.out().split("\n");
            assertEquals(4, csv.length, r.out());
            assertTrue(csv[1].startsWith(dir.resolve("a_seven.pgm") + ",1,7,7,"), csv[1]);
            assertTrue(csv[2].startsWith(dir.resolve("linked.pgm") + ",1,2,2,"), csv[2]);
            assertTrue(csv[3].startsWith(sub.resolve("two.pgm") + ",1,2,2,"), csv[3]);
        } finally {
            Files.deleteIfExists(outside);
        }
    }
}
