package org.caffe4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * caffe4j against OpenCV's Caffe runtime (the tool a Java user would otherwise pick), same model, same input,
 * same thread count, in alternating rounds within one process so both see the same machine state (each round
 * starts with another runtime). Prints one line per round and a summary: the ratio of the medians over all passes,
 * and the median and range of the per-round ratios; also checks that both give the same output. With
 * {@code --onnx FILE} (the model converted by caffe_to_onnx.py) ONNX Runtime runs as a third peer in the same
 * rounds, with the same thread count (intra-op threads; one inter-op thread; all graph optimizations).
 */
public final class OpenCvComparison {
    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        Path c4jNet = Path.of(a.get("caffe4j-net")), c4jWeights = Path.of(a.get("caffe4j-weights"));
        String cvNet = a.get("opencv-net"), cvWeights = a.get("opencv-weights");
        int batch = Integer.parseInt(a.getOrDefault("batch", "1"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "12"));
        int iterations = Integer.parseInt(a.getOrDefault("iterations", "8"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "30"));
        // And at least this long: on 2 busy cores C2 needs seconds to compile the kernels (measured: with 0.3 s of
        // warm-up, caffe4j's first timed rounds at batch 1 were 30-50% slower than its last).
        double warmupSeconds = Double.parseDouble(a.getOrDefault("warmup-seconds", "8"));

        Model model = Model.load(c4jNet, c4jWeights, LoadOptions.defaults().withThreads(threads).withBatch(batch));
        // The net's own input shape (224x224 for NIN, 227x227 for AlexNet and SqueezeNet) at the batch asked for.
        int[] shape = model.inputShape(model.inputNames().get(0));
        long[] longShape = Arrays.stream(shape).asLongStream().toArray();
        float[] x = new float[Arrays.stream(shape).reduce(1, (p, q) -> p * q)];
        Random rnd = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 50);
        }
        opencv_core.setNumThreads(threads);
        String onnx = a.get("onnx");
        OrtEnvironment env = onnx == null ? null : OrtEnvironment.getEnvironment();
        OrtSession ort = null;
        if (onnx != null) {
            OrtSession.SessionOptions so = new OrtSession.SessionOptions();
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            ort = env.createSession(onnx, so);
        }
        OnnxTensor ortInput = onnx == null ? null
                : OnnxTensor.createTensor(env, FloatBuffer.wrap(x), longShape);
        Net cv = opencv_dnn.readNetFromCaffe(cvNet, cvWeights);
        cv.setPreferableBackend(opencv_dnn.DNN_BACKEND_OPENCV);
        cv.setPreferableTarget(opencv_dnn.DNN_TARGET_CPU);
        Mat blob = new Mat(shape, opencv_core.CV_32F);
        new FloatPointer(blob.data()).put(x);

        try (model) {
            Tensor input = new Tensor(shape, x);
            float[] ours = model.run(input).data();
            float[] theirs = forwardOpenCv(cv, blob, ours.length);
            double maxDiff = 0, maxRef = 0;
            for (int i = 0; i < ours.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
                maxRef = Math.max(maxRef, Math.abs(theirs[i]));
            }
            System.out.printf("output check: max |caffe4j - OpenCV| = %.3g (max |OpenCV| = %.3g)%n", maxDiff, maxRef);
            requireSameOutput("OpenCV", maxDiff, maxRef);
            if (ort != null) {
                float[] onnxOut = forwardOrt(ort, ortInput);
                if (onnxOut.length != ours.length) {
                    throw new IllegalStateException("ONNX Runtime's output has " + onnxOut.length
                            + " values, caffe4j's " + ours.length + ": not the same model");
                }
                double d = 0;
                for (int i = 0; i < ours.length; i++) {
                    d = Math.max(d, Math.abs(ours[i] - onnxOut[i]));
                }
                System.out.printf("output check: max |caffe4j - ONNX Runtime| = %.3g%n", d);
                requireSameOutput("ONNX Runtime", d, maxRef);
            }
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            for (int i = 0; i < warmup || System.nanoTime() < warmupEnd; i++) {
                model.run(input);
                forwardOpenCv(cv, blob, ours.length);
                if (ort != null) {
                    forwardOrt(ort, ortInput);
                }
            }
            List<String> names = new ArrayList<>(List.of("caffe4j", "OpenCV"));
            List<Pass> passes = new ArrayList<>(List.of(() -> model.run(input),
                    () -> forwardOpenCv(cv, blob, ours.length)));
            if (ort != null) {
                OrtSession session = ort;
                names.add("ONNX Runtime");
                passes.add(() -> forwardOrt(session, ortInput));
            }
            int peers = passes.size();
            List<List<Double>> all = new ArrayList<>();
            double[][] roundMedians = new double[peers][rounds];
            // [peer][position in the round][round]: whether the first passes after another runtime's are slower.
            double[][][] byPosition = new double[peers][iterations][rounds];
            for (int p = 0; p < peers; p++) {
                all.add(new ArrayList<>());
            }
            for (int r = 0; r < rounds; r++) {
                // Each round starts with another runtime, so none is always timed first after the pause.
                for (int q = 0; q < peers; q++) {
                    int p = (r + q) % peers;
                    double[] ms = new double[iterations];
                    settle();
                    for (int i = 0; i < iterations; i++) {
                        long t0 = System.nanoTime();
                        passes.get(p).run();
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                        byPosition[p][i][r] = ms[i];
                    }
                    for (double d : ms) {
                        all.get(p).add(d);
                    }
                    roundMedians[p][r] = median(ms);
                }
                StringBuilder line = new StringBuilder(String.format("round %d:", r + 1));
                for (int p = 0; p < peers; p++) {
                    line.append(String.format("%s %s %.2f ms", p == 0 ? "" : ",", names.get(p), roundMedians[p][r]));
                }
                System.out.println(line.append(" per pass (medians)"));
            }
            double[] m = new double[peers];
            for (int p = 0; p < peers; p++) {
                m[p] = median(all.get(p).stream().mapToDouble(Double::doubleValue).toArray());
                StringBuilder line = new StringBuilder(names.get(p) + ", pass 1.." + iterations
                        + " of a round (medians over the rounds, ms):");
                for (int i = 0; i < iterations; i++) {
                    line.append(String.format(" %.2f", median(byPosition[p][i])));
                }
                System.out.println(line);
            }
            System.out.printf("java %s, OpenCV %s, batch %d, %d thread(s)%n", System.getProperty("java.version"),
                    opencv_core.getVersionString().getString(), batch, threads);
            System.out.printf("caffe4j: %.2f ms/pass (%.2f ms/image); OpenCV: %.2f ms/pass (%.2f ms/image); "
                    + "caffe4j/OpenCV time ratio = %.2f%n", m[0], m[0] / batch, m[1], m[1] / batch, m[0] / m[1]);
            printRoundRatios("OpenCV", roundMedians[0], roundMedians[1]);
            if (ort != null) {
                System.out.printf("ONNX Runtime %s: %.2f ms/pass (%.2f ms/image); caffe4j/ONNX Runtime time ratio = %.2f%n",
                        env.getVersion(), m[2], m[2] / batch, m[0] / m[2]);
                printRoundRatios("ONNX Runtime", roundMedians[0], roundMedians[2]);
                ort.close();
                int layerPasses = Integer.parseInt(a.getOrDefault("per-layer", "0"));
                if (layerPasses > 0) {
                    perLayer(model, input, env, onnx, ortInput, threads, layerPasses);
                }
            }
        }
    }

    /**
     * Per-layer times of caffe4j ({@link Model#runTimed}) and ONNX Runtime (its own profiler, in a second session
     * with the same options), {@code passes} passes each after as many untimed ones, one runtime after the other:
     * medians per layer, with ONNX Runtime's nodes matched to caffe4j's steps by the Caffe layer names the converter
     * keeps (a step's folded layers and fused ReLU included). Only layers' shares are comparable across the two
     * tables' totals: per-step timing and profiling each add a little to every layer.
     */
    private static void perLayer(Model model, Tensor input, OrtEnvironment env, String onnx, OnnxTensor ortInput,
                                 int threads, int passes) throws Exception {
        List<org.caffe4j.runtime.StepInfo> steps = model.steps(Map.of());
        double[][] ours = new double[steps.size()][passes];
        for (int i = 0; i < passes; i++) {
            model.run(input);
        }
        settle();
        for (int i = 0; i < passes; i++) {
            int pass = i;
            model.runTimed(Map.of(model.inputNames().get(0), input), (step, nanos) -> ours[step][pass] = nanos / 1e6);
        }
        Path profile;
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(threads);
        so.setInterOpNumThreads(1);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        Path dir = java.nio.file.Files.createTempDirectory("ort-profile");
        so.enableProfiling(dir.resolve("ort").toString());
        try (OrtSession session = env.createSession(onnx, so)) {
            for (int i = 0; i < 2 * passes; i++) {
                forwardOrt(session, ortInput);
            }
            profile = Path.of(session.endProfiling());
        }
        // Chrome trace events: {"cat" : "Node", ..., "dur" : 87, ..., "name" : "conv1_kernel_time", ...}.
        String json = java.nio.file.Files.readString(profile);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "\\{\"cat\"\\s*:\\s*\"Node\"[^{}]*?\"dur\"\\s*:\\s*(\\d+)[^{}]*?\"name\"\\s*:\\s*\"([^\"]+)_kernel_time\"")
                .matcher(json);
        Map<String, List<Double>> nodeTimes = new java.util.LinkedHashMap<>();
        while (m.find()) {
            nodeTimes.computeIfAbsent(m.group(2), k -> new ArrayList<>()).add(Integer.parseInt(m.group(1)) / 1e3);
        }
        java.nio.file.Files.deleteIfExists(profile);
        java.nio.file.Files.deleteIfExists(dir);
        // The last `passes` runs of each node (the first half warmed the session up).
        Map<String, Double> theirs = new java.util.LinkedHashMap<>();
        nodeTimes.forEach((node, t) -> {
            int runs = t.size() / 2;
            theirs.put(node, median(t.subList(t.size() - runs, t.size()).stream().mapToDouble(Double::doubleValue)
                    .toArray()));
        });
        System.out.printf("%nper layer, median of %d passes each (ms): caffe4j step, then the ONNX Runtime nodes "
                + "named after its layers%n", passes);
        System.out.printf("%-26s %9s %9s  %s%n", "layer", "caffe4j", "ORT", "ORT nodes");
        double oursTotal = 0, theirsTotal = 0;
        java.util.Set<String> matched = new java.util.HashSet<>();
        for (org.caffe4j.runtime.StepInfo step : steps) {
            double t = median(ours[step.index()]);
            oursTotal += t;
            List<String> layers = new ArrayList<>();
            layers.add(step.layer());
            layers.addAll(step.folded());
            if (step.fusedRelu() != null) {
                layers.add(step.fusedRelu());
            }
            double peer = 0;
            List<String> nodes = new ArrayList<>();
            for (Map.Entry<String, Double> e : theirs.entrySet()) {
                if (!matched.contains(e.getKey()) && layers.stream().anyMatch(l -> belongsTo(e.getKey(), l))) {
                    peer += e.getValue();
                    nodes.add(e.getKey());
                    matched.add(e.getKey());
                }
            }
            theirsTotal += peer;
            System.out.printf("%-26s %9.3f %9s  %s%n", step.label(), t, nodes.isEmpty() ? "" : String.format("%.3f",
                    peer), String.join(" ", nodes));
        }
        for (Map.Entry<String, Double> e : theirs.entrySet()) {
            if (!matched.contains(e.getKey())) {
                theirsTotal += e.getValue();
                System.out.printf("%-26s %9s %9.3f  %s%n", "(ONNX Runtime only)", "", e.getValue(), e.getKey());
            }
        }
        System.out.printf("%-26s %9.3f %9.3f%n", "sum", oursTotal, theirsTotal);
    }

    /**
     * Whether ONNX Runtime node {@code node} comes from Caffe layer {@code layer}: the converter names a node after its
     * layer, ONNX Runtime's fusions join the names with "__" ("conv1__relu0") and its NCHWc pass appends "_nchwc".
     */
    static boolean belongsTo(String node, String layer) {
        return Arrays.asList(node.replaceFirst("_nchwc$", "").split("__")).contains(layer);
    }

    /** One timed forward pass of a runtime. */
    private interface Pass {
        void run() throws Exception;
    }

    /**
     * caffe4j's time over the peer's, round by round: the two were timed within a second of each other, so the
     * host's slower swings (per-round medians here moved by up to 1.5x within a minute) largely cancel out of
     * each ratio.
     */
    private static void printRoundRatios(String peer, double[] ours, double[] theirs) {
        double[] ratios = new double[ours.length];
        for (int r = 0; r < ours.length; r++) {
            ratios[r] = ours[r] / theirs[r];
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        System.out.printf("caffe4j/%s per round: median %.2f, range %.2f-%.2f%n", peer, median(ratios), sorted[0],
                sorted[sorted.length - 1]);
    }

    /**
     * Lets the previous runtime's idle threads stop spinning before the next one is timed: ONNX Runtime's pool spins
     * after each run by default, caffe4j's for ~0.5 ms, and on two cores a spinning thread halves the next
     * runtime's speed (one 1x1 layer timed right after an ONNX Runtime call took 2-2.5x its time).
     */
    static void settle() throws InterruptedException {
        Thread.sleep(100);
    }

    /**
     * Timing two different models would mean nothing: stop unless the peer's output agrees with caffe4j's to 1e-4 of
     * the largest output, the float rounding of different kernels (NIN: 3e-5 on values up to 59; AlexNet's softmax:
     * 1.9e-5 on probabilities up to 0.98 against ONNX Runtime, after LRN and 9216-term dot products), while a
     * different layer parameter moves the outputs by far more.
     */
    static void requireSameOutput(String peer, double maxDiff, double maxRef) {
        if (!(maxDiff <= 1e-4 * maxRef + 1e-6)) {
            throw new IllegalStateException(peer + "'s output differs from caffe4j's by " + maxDiff
                    + " (largest output " + maxRef + "): not the same model");
        }
    }

    private static float[] forwardOrt(OrtSession ort, OnnxTensor input) throws OrtException {
        try (OrtSession.Result r = ort.run(Map.of(ort.getInputNames().iterator().next(), input))) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }
    }

    private static float[] forwardOpenCv(Net cv, Mat blob, int n) {
        cv.setInput(blob);
        Mat out = cv.forward();
        float[] r = new float[n];
        new FloatPointer(out.data()).get(r);
        return r;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static Map<String, String> parse(String[] args) {
        return parse(args, List.of("caffe4j-net", "caffe4j-weights", "opencv-net", "opencv-weights"));
    }

    /** --name value pairs; each of {@code required} must be there. */
    static Map<String, String> parse(String[] args, List<String> required) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        for (String k : required) {
            if (!m.containsKey(k)) {
                throw new IllegalArgumentException("missing --" + k);
            }
        }
        return m;
    }
}
