package org.caffe4j.bench;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * caffe4j against OpenCV's Caffe runtime (the tool a Java user would otherwise pick), same model, same input,
 * same thread count, in alternating rounds within one process so both see the same machine state. Prints one
 * line per round and a summary with the time ratio; also checks that both give the same output.
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
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            for (int i = 0; i < warmup || System.nanoTime() < warmupEnd; i++) {
                model.run(input);
                forwardOpenCv(cv, blob, ours.length);
            }
            List<Double> c4j = new ArrayList<>(), ocv = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                double[] ms1 = new double[iterations], ms2 = new double[iterations];
                for (int i = 0; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    model.run(input);
                    ms1[i] = (System.nanoTime() - t0) / 1e6;
                }
                for (int i = 0; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    forwardOpenCv(cv, blob, ours.length);
                    ms2[i] = (System.nanoTime() - t0) / 1e6;
                }
                for (double d : ms1) c4j.add(d);
                for (double d : ms2) ocv.add(d);
                System.out.printf("round %d: caffe4j %.2f ms, OpenCV %.2f ms per pass (medians)%n", r + 1, median(ms1), median(ms2));
            }
            double m1 = median(c4j.stream().mapToDouble(Double::doubleValue).toArray());
            double m2 = median(ocv.stream().mapToDouble(Double::doubleValue).toArray());
            System.out.printf("java %s, OpenCV %s, batch %d, %d thread(s)%n", System.getProperty("java.version"),
                    opencv_core.getVersionString().getString(), batch, threads);
            System.out.printf("caffe4j: %.2f ms/pass (%.2f ms/image); OpenCV: %.2f ms/pass (%.2f ms/image); "
                    + "caffe4j/OpenCV time ratio = %.2f%n", m1, m1 / batch, m2, m2 / batch, m1 / m2);
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
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        for (String k : List.of("caffe4j-net", "caffe4j-weights", "opencv-net", "opencv-weights")) {
            if (!m.containsKey(k)) {
                throw new IllegalArgumentException("missing --" + k);
            }
        }
        return m;
    }
}
