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

        float[] x = new float[batch * 3 * 224 * 224];
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
                : OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[]{batch, 3, 224, 224});
        Net cv = opencv_dnn.readNetFromCaffe(cvNet, cvWeights);
        cv.setPreferableBackend(opencv_dnn.DNN_BACKEND_OPENCV);
        cv.setPreferableTarget(opencv_dnn.DNN_TARGET_CPU);
        Mat blob = new Mat(new int[]{batch, 3, 224, 224}, opencv_core.CV_32F);
        new FloatPointer(blob.data()).put(x);

        try (Model model = Model.load(c4jNet, c4jWeights, LoadOptions.defaults().withThreads(threads).withBatch(batch))) {
            Tensor input = new Tensor(new int[]{batch, 3, 224, 224}, x);
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
            }
        }
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
     * Timing two different models would mean nothing: stop unless the peer's output agrees with caffe4j's to 1e-5 of
     * the largest output (NIN: differences of 3e-5 on values up to 59, the float rounding of different kernels).
     */
    static void requireSameOutput(String peer, double maxDiff, double maxRef) {
        if (!(maxDiff <= 1e-5 * maxRef + 1e-6)) {
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
