package org.caffe4j.cli;

import org.caffe4j.files.Npy;
import org.caffe4j.testing.RandomWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a user meets it: output, exit codes, one-line errors. */
class CliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void summaryOfTheOriginalNinTrainValShowsCaffesFigures() {
        Result r = run("summary", "testdata/nin_imagenet/train_val.prototxt");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("total: 7,595,176 parameters, 1,100,188,800 multiply-adds"), r.out());
        assertTrue(r.out().contains("inputs: data 1x3x224x224"), r.out());
        assertTrue(r.out().contains("outputs: pool4 1x1000x1x1"), r.out());
        assertTrue(r.out().contains("conv4-1024     Convolution   pool3 -> conv4"), r.out());
        assertTrue(r.out().contains("--add-softmax"), r.out());
        Result j = run("summary", "testdata/nin_imagenet/train_val.prototxt", "--json", "--batch", "8");
        assertTrue(j.out().startsWith("{") && j.out().contains("\"total_macs\": 8801510400"), j.out());
    }

    @Test
    void badInputGivesOneErrorLineAndExitCode2WithoutStackTrace() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.prototxt"), "layer { name: \"x\" type: \"Nope\" top: \"y\" }\n");
        Result r = run("summary", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("'x' (Nope)"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        Result debug = run("summary", bad.toString(), "--debug");
        assertTrue(debug.err().contains("\tat org.caffe4j"), "--debug shows the stack trace");
        Result missing = run("summary", dir.resolve("absent.prototxt").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("absent.prototxt: no such file"), missing.err());
        Result usage = run("summary");
        assertEquals(2, usage.code());
        assertTrue(usage.err().startsWith("error: "), usage.err());
    }

    @Test
    void benchReportsTimesThroughputAndTheMeasuredPeak() {
        Result r = run("bench", "testdata/lenet_mnist/lenet.prototxt", "testdata/lenet_mnist/lenet_iter_10000.caffemodel",
                "--batch", "4", "--warmup", "2", "--iterations", "3", "--threads", "2", "--json");
        assertEquals(0, r.code(), r.err());
        double median = jsonNumber(r.out(), "median_ms");
        assertTrue(median > 0, r.out());
        assertEquals(median / 4, jsonNumber(r.out(), "ms_per_image"), 1e-9 * median, r.out());
        assertEquals(4, jsonNumber(r.out(), "batch"), r.out());
        // LeNet: 2,293,000 multiply-adds per image (conv1 576x20x25, conv2 64x50x500, ip1 800x500, ip2 500x10).
        assertEquals(2.0 * 4 * 2_293_000 / (median / 1e3) / 1e9, jsonNumber(r.out(), "gflops"), 1e-6, r.out());
        double peak = jsonNumber(r.out(), "peak_gflops");
        assertTrue(peak > 0.1 && Double.isFinite(peak), r.out());
        assertEquals(jsonNumber(r.out(), "gflops") / peak, jsonNumber(r.out(), "peak_fraction"), 1e-9, r.out());
        assertTrue(r.out().contains("\"layer\": \"conv1\""), r.out());
        assertEquals(2, jsonNumber(r.out(), "warmup_passes"), r.out());
        double firstPass = jsonNumber(r.out(), "first_pass_ms");
        assertTrue(firstPass > 0 && Double.isFinite(firstPass), r.out());
        // The first pass allocates at least the activation buffers it borrows; every figure is a count, never negative.
        assertTrue(jsonNumber(r.out(), "first_pass_allocated_mb") * 1e6 >= jsonNumber(r.out(), "activation_bytes"),
                r.out());
        assertTrue(jsonNumber(r.out(), "warmup_allocated_mb") >= 0, r.out());
        assertTrue(jsonNumber(r.out(), "allocated_kb_per_pass") >= 0, r.out());
        double stream = jsonNumber(r.out(), "stream_gbps");
        assertTrue(stream > 0.05 && stream < 1000, r.out());
        // ip1 stores its 500 x 800 weights in panels of 8 rows: 504 x 800 floats. The whole net stores at least
        // LeNet's 431,080 weights (Winograd or panel padding only add to them).
        java.util.regex.Matcher ip1 = java.util.regex.Pattern.compile(
                "\"layer\": \"ip1[^}]*\"weight_mb\": ([0-9.eE+-]+), \"weight_gbps\": ([0-9.eE+-]+)").matcher(r.out());
        assertTrue(ip1.find(), r.out());
        assertEquals(504 * 800 * 4 / 1e6, Double.parseDouble(ip1.group(1)), 1e-9, r.out());
        assertTrue(Double.parseDouble(ip1.group(2)) > 0, r.out());
        double total = jsonNumber(r.out(), "weight_mb");
        assertTrue(total >= 431_080 * 4 / 1e6 && total < 3, r.out());

        Result text = run("bench", "testdata/lenet_mnist/lenet.prototxt",
                "testdata/lenet_mnist/lenet_iter_10000.caffemodel", "--warmup", "1", "--iterations", "2");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().lines().anyMatch(l -> l.matches("load \\d+ ms; first pass \\d+ ms .*")), text.out());
        assertTrue(text.out().contains("warm-up: 1 passes (--warmup)"), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.matches(
                "allocated: \\d+ MB in the first pass, \\d+ MB in the warm-up, then [0-9.]+ KB a pass .*")), text.out());
        assertTrue(text.out().contains("peak: the GEMM micro-kernel in cache"), text.out());
        assertTrue(text.out().contains("memory: streaming reads on"), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("ip1") && l.contains("1.61 MB")), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("ip1") && l.endsWith("%")), text.out());
    }

    @Test
    void summaryAndBenchReportTheResidentBytesOfWeightsAsStoredAndActivations() {
        String net = "testdata/lenet_mnist/lenet.prototxt", weights = "testdata/lenet_mnist/lenet_iter_10000.caffemodel";
        Result r = run("summary", net, weights, "--json");
        assertEquals(0, r.code(), r.err());
        // ip1's 400,000 weights live only in its kernel's packed panels, as do every GEMM layer's; a 5x5 layer that
        // this JVM's CPU profile runs as Winograd keeps only its transform, the loaded weights being readable again
        // from the caffemodel: what stays as loaded is the biases (20 + 50 + 500 + 10 values) on every profile.
        long loaded = 4L * 580;
        assertEquals(loaded, jsonNumber(r.out(), "loaded_weight_bytes"), r.out());
        String loadedMb = String.format("%.1f", loaded / 1e6);
        double kernels = jsonNumber(r.out(), "kernel_weight_bytes");
        // ip1 alone stores 504 x 800 floats (panels of 8 rows); every repacked layer stores at least its weights.
        assertTrue(kernels >= 504 * 800 * 4 && kernels < 3e6, r.out());
        double activations = jsonNumber(r.out(), "activation_bytes");
        // Batch 64: conv1's 64x20x24x24 output is the largest blob; buffers are reused, so far less than all blobs.
        assertTrue(activations >= 64 * 20 * 24 * 24 * 4 && activations < 3 * 64 * 20 * 24 * 24 * 4, r.out());
        assertEquals(loaded + kernels + activations, jsonNumber(r.out(), "resident_bytes"), r.out());

        Result reference = run("summary", net, weights, "--json", "--reference");
        assertEquals(0, jsonNumber(reference.out(), "kernel_weight_bytes"), "reference kernels read the loaded weights");

        Result text = run("summary", net, weights, "--batch", "1");
        assertTrue(text.out().lines().anyMatch(l -> l.matches("resident: " + Pattern.quote(loadedMb) + " MB weights as loaded \\+ [0-9.]+ MB as the "
                + "kernels store them \\+ 0\\.[0-9] MB activation buffers = [0-9.]+ MB")), text.out());
        assertFalse(run("summary", net).out().contains("resident:"), "without weights nothing is packed");

        Result bench = run("bench", net, weights, "--warmup", "1", "--iterations", "1", "--json");
        assertEquals(0, bench.code(), bench.err());
        assertEquals(kernels, jsonNumber(bench.out(), "kernel_weight_bytes"), bench.out());
        assertEquals(activations, jsonNumber(bench.out(), "activation_bytes"), bench.out());
        assertEquals(loaded + kernels + activations, jsonNumber(bench.out(), "resident_bytes"), bench.out());
        Result benchText = run("bench", net, weights, "--warmup", "1", "--iterations", "1");
        assertTrue(benchText.out().contains("resident: " + loadedMb + " MB weights as loaded + "), benchText.out());
    }

    /** The first number that follows {@code "key": } in a JSON text. */
    private static double jsonNumber(String json, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\": (-?[0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void runWritesOutputsAndEveryBlobAsNpy() throws Exception {
        float[] x = RandomWeights.input(1, 2 * 28 * 28);
        Path in = dir.resolve("x.npy");
        Npy.write(in, new int[]{2, 1, 28, 28}, x);
        Result r = run("run", "testdata/lenet_mnist/lenet.prototxt", "testdata/lenet_mnist/lenet_iter_10000.caffemodel",
                "--input", in.toString(), "--out", dir.resolve("out").toString(), "--all-blobs");
        assertEquals(0, r.code(), r.err());
        for (String blob : new String[]{"data", "conv1", "pool1", "conv2", "pool2", "ip1", "ip2", "prob"}) {
            assertTrue(Files.exists(dir.resolve("out/" + blob + ".npy")), blob);
        }
        Npy.Array prob = Npy.read(dir.resolve("out/prob.npy"));
        assertArrayEquals(new int[]{2, 10}, prob.shape());
        assertEquals("a_b_c.npy", RunCommand.fileName("a/b:c"));
    }

    @Test
    void upgradeRoundTripGivesTheSameResultsAsTheOriginal() throws Exception {
        Path w = RandomWeights.write(Path.of("testdata/nin_cifar10/train_val.prototxt"),
                org.caffe4j.runtime.LoadOptions.defaults().withInputShapes(java.util.Map.of("data", new int[]{1, 3, 32, 32})),
                3, dir.resolve("nin_cifar.caffemodel"));
        Path out = dir.resolve("up");
        Result r = run("upgrade", "testdata/nin_cifar10/train_val.prototxt", w.toString(), "--out", out.toString(),
                "--input-shape", "1,3,32,32");
        assertEquals(0, r.code(), r.err());
        String deploy = Files.readString(out.resolve("deploy.prototxt"));
        assertTrue(deploy.contains("type: \"Input\"") && !deploy.contains("Accuracy") && !deploy.contains("layers {"), deploy);
        Npy.write(dir.resolve("x.npy"), new int[]{1, 3, 32, 32}, RandomWeights.input(2, 3 * 32 * 32));
        assertEquals(0, run("run", "testdata/nin_cifar10/train_val.prototxt", w.toString(), "--input-shape", "1,3,32,32",
                "--input", dir.resolve("x.npy").toString(), "--out", dir.resolve("a").toString()).code());
        assertEquals(0, run("run", out.resolve("deploy.prototxt").toString(), out.resolve("nin_cifar_v2.caffemodel").toString(),
                "--input", dir.resolve("x.npy").toString(), "--out", dir.resolve("b").toString()).code());
        assertArrayEquals(Npy.read(dir.resolve("a/loss.npy")).data(), Npy.read(dir.resolve("b/loss.npy")).data());
        // Refuses to overwrite without --force.
        Result again = run("upgrade", "testdata/nin_cifar10/train_val.prototxt", "--out", out.toString(),
                "--input-shape", "1,3,32,32");
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists"), again.err());
    }
}
