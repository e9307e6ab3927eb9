package org.caffe4j.bench;

import org.caffe4j.kernels.simd.Simd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.conv.Conv2dIm2colGemm;
import org.caffe4j.kernels.conv.Conv2dKernel;
import org.caffe4j.kernels.conv.Conv2dSpaceToDepth;
import org.caffe4j.kernels.conv.Conv2dWinograd;
import org.caffe4j.kernels.conv.ConvShape;

/**
 * Im2col GEMM against Winograd F(m,r) on NIN ImageNet's k x k stride-1 layers (and on conv1 rewritten to stride 1), timed in alternation in
 * one process (so machine load hits all variants alike); prints best and median ms per image, and each Winograd
 * variant's largest difference from the im2col result relative to the largest output.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp target/classes:target/test-classes \
 *     org.caffe4j.bench.WinogradBench [threads=2] [reps=30] [batch=1]
 * </pre>
 */
public final class WinogradBench {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Parallel par = threads == 1 ? Parallel.SERIAL : new ThreadPoolParallel(threads);
        Random rnd = new Random(42);
        System.out.printf("java %s, threads=%d, batch=%d, %d alternating reps%n", System.getProperty("java.version"),
                threads, batch, reps);
        for (ConvKernelBench.Layer layer : ConvKernelBench.ninImagenet()) {
            ConvShape s = layer.shape();
            boolean strided = Conv2dSpaceToDepth.supports(s);
            if (!Conv2dWinograd.supports(s) && !strided) {
                continue;
            }
            float[] w = random(rnd, s.weightSize(), 0.05f);
            float[] bias = random(rnd, s.outC(), 0.1f);
            float[] in = random(rnd, s.inSize() * batch, 1f);
            List<String> names = new ArrayList<>(List.of("im2col"));
            List<Conv2dKernel> kernels = new ArrayList<>();
            kernels.add(new Conv2dIm2colGemm(w, bias, s.outC(), s.inC(), s.kH(), s.kW(), 1, Activation.RELU, Simd.sgemmKernel()));
            int filter = strided ? Conv2dSpaceToDepth.rewritten(s).kH() : s.kH();
            for (int m : filter == 3 ? new int[] {2, 3, 4, 6} : new int[] {2, 4}) {
                names.add((strided ? "s2d F(" : "F(") + m + "," + filter + ")");
                kernels.add(strided
                        ? new Conv2dSpaceToDepth(w, bias, s.outC(), s.inC(), s.kH(), s.strideH(), m, Activation.RELU, Simd.sgemmKernel(), Simd.winogradTransforms())
                        : new Conv2dWinograd(w, bias, s.outC(), s.inC(), s.kH(), m, Activation.RELU, Simd.sgemmKernel(), Simd.winogradTransforms()));
            }
            float[][] outs = new float[kernels.size()][s.outSize() * batch];
            long[][] times = new long[kernels.size()][reps];
            for (int warm = 0; warm < 10; warm++) {
                for (int k = 0; k < kernels.size(); k++) {
                    kernels.get(k).forward(s, batch, in, 0, outs[k], 0, par);
                }
            }
            for (int r = 0; r < reps; r++) {
                for (int k = 0; k < kernels.size(); k++) {
                    long t0 = System.nanoTime();
                    kernels.get(k).forward(s, batch, in, 0, outs[k], 0, par);
                    times[k][r] = System.nanoTime() - t0;
                }
            }
            double maxOut = 0;
            for (float v : outs[0]) {
                maxOut = Math.max(maxOut, Math.abs(v));
            }
            StringBuilder line = new StringBuilder(String.format("%-11s", layer.name()));
            double base = median(times[0]);
            for (int k = 0; k < kernels.size(); k++) {
                double maxDiff = 0;
                for (int i = 0; i < outs[k].length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(outs[k][i] - outs[0][i]));
                }
                line.append(String.format(" | %s %6.3f ms (best %6.3f) x%.2f err %.1e", names.get(k),
                        median(times[k]) / 1e6 / batch, best(times[k]) / 1e6 / batch, median(times[k]) / base,
                        maxDiff / maxOut));
            }
            System.out.println(line);
        }
        if (par instanceof ThreadPoolParallel pool) {
            pool.close();
        }
    }

    private static double median(long[] t) {
        long[] c = t.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static double best(long[] t) {
        return Arrays.stream(t).min().orElse(0);
    }

    private static float[] random(Random rnd, int size, float scale) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return x;
    }
}
