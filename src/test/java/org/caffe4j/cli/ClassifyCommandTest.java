package org.caffe4j.cli;

import org.caffe4j.fetch.LocalHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
