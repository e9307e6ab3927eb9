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
 * same thread count, in alternating rounds within one process so both see the same machine state. Prints one
 * line per round and a summary with the time ratio; also checks that both give the same output. With
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
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "5"));
        int iterations = Integer.parseInt(a.getOrDefault("iterations", "10"));
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
            List<Double> c4j = new ArrayList<>(), ocv = new ArrayList<>(), onx = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                double[] ms1 = new double[iterations], ms2 = new double[iterations];
                settle();
                for (int i = 0; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    model.run(input);
                    ms1[i] = (System.nanoTime() - t0) / 1e6;
                }
                settle();
                for (int i = 0; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    forwardOpenCv(cv, blob, ours.length);
                    ms2[i] = (System.nanoTime() - t0) / 1e6;
                }
                double[] ms3 = new double[ort == null ? 0 : iterations];
                if (ort != null) {
                    settle();
                }
                for (int i = 0; i < ms3.length; i++) {
                    long t0 = System.nanoTime();
                    forwardOrt(ort, ortInput);
                    ms3[i] = (System.nanoTime() - t0) / 1e6;
                }
                for (double d : ms1) c4j.add(d);
                for (double d : ms2) ocv.add(d);
                for (double d : ms3) onx.add(d);
                System.out.printf("round %d: caffe4j %.2f ms, OpenCV %.2f ms%s per pass (medians)%n", r + 1,
                        median(ms1), median(ms2), ort == null ? "" : String.format(", ONNX Runtime %.2f ms", median(ms3)));
            }
            double m1 = median(c4j.stream().mapToDouble(Double::doubleValue).toArray());
            double m2 = median(ocv.stream().mapToDouble(Double::doubleValue).toArray());
            System.out.printf("java %s, OpenCV %s, batch %d, %d thread(s)%n", System.getProperty("java.version"),
                    opencv_core.getVersionString().getString(), batch, threads);
            System.out.printf("caffe4j: %.2f ms/pass (%.2f ms/image); OpenCV: %.2f ms/pass (%.2f ms/image); "
                    + "caffe4j/OpenCV time ratio = %.2f%n", m1, m1 / batch, m2, m2 / batch, m1 / m2);
            if (ort != null) {
                double m3 = median(onx.stream().mapToDouble(Double::doubleValue).toArray());
                System.out.printf("ONNX Runtime %s: %.2f ms/pass (%.2f ms/image); caffe4j/ONNX Runtime time ratio = %.2f%n",
                        env.getVersion(), m3, m3 / batch, m1 / m3);
                ort.close();
            }
        }
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
