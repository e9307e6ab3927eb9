package org.caffe4j.bench;

import java.util.Random;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.dense.InnerProductPackedGemm;
import org.caffe4j.kernels.dense.InnerProductReference;
import org.caffe4j.kernels.simd.Simd;

/**
 * Times one fully connected layer (default AlexNet/CaffeNet fc6: 9216 -> 4096, bias + ReLU) at several batch
 * sizes: the double-accumulating reference (one thread), the packed kernel as the runtime picks it, and both of its
 * paths forced (GEMV and SGEMM), to show where the switch between them belongs. The weights (151 MB for fc6) do
 * not fit in any cache, so every call streams them from memory; the GB/s column is weight bytes per call / time.
 *
 * <pre>
 * mvn -q -o test-compile
 * java --add-modules=jdk.incubator.vector -cp target/classes:target/test-classes \
 *     org.caffe4j.bench.InnerProductBench [threads=2] [reps=20] [batches=1,8] [inputs=9216] [outputs=4096]
 * </pre>
 */
public final class InnerProductBench {
    interface Forward {
        void run(float[] in, float[] out);
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String[] batches = (args.length > 2 ? args[2] : "1,8").split(",");
        int k = args.length > 3 ? Integer.parseInt(args[3]) : 9216;
        int n = args.length > 4 ? Integer.parseInt(args[4]) : 4096;
        System.out.printf("java %s, simd=%s, threads=%d, %d -> %d (%.1f MB of weights), best of %d, load %.1f%n",
                System.getProperty("java.version"), Simd.enabled(), threads, k, n, 4.0 * k * n / 1e6, reps,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Parallel par = threads == 1 ? Parallel.SERIAL : new ThreadPoolParallel(threads);
        Random rnd = new Random(42);
        float[] w = random(rnd, k * n, 0.01f);
        float[] bias = random(rnd, n, 0.1f);
        InnerProductPackedGemm chosen = new InnerProductPackedGemm(w, bias, n, k, false, Activation.RELU, Simd.sgemmKernel(), Simd.gemvKernel());
        InnerProductPackedGemm gemv = new InnerProductPackedGemm(w, bias, n, k, false, Activation.RELU,
                Integer.MAX_VALUE, Simd.sgemmKernel(), Simd.gemvKernel());
        InnerProductPackedGemm sgemm = new InnerProductPackedGemm(w, bias, n, k, false, Activation.RELU, 0,
                Simd.sgemmKernel(), Simd.gemvKernel());
        for (String b : batches) {
            int m = Integer.parseInt(b.trim());
            float[] in = random(rnd, m * k, 1f);
            float[] out = new float[m * n];
            double flops = 2.0 * m * n * k;
            report("reference (1 thread)", m, flops, k * n, Math.max(2, reps / 10),
                    (x, y) -> InnerProductReference.forward(x, w, bias, y, m, n, k, false), in, out);
            report("packed, as chosen", m, flops, k * n, reps, (x, y) -> chosen.forward(x, 0, m, y, 0, par), in, out);
            report("packed, GEMV forced", m, flops, k * n, reps, (x, y) -> gemv.forward(x, 0, m, y, 0, par), in, out);
            report("packed, SGEMM forced", m, flops, k * n, reps, (x, y) -> sgemm.forward(x, 0, m, y, 0, par), in,
                    out);
        }
        if (par instanceof ThreadPoolParallel pool) {
            pool.close();
        }
    }

    private static void report(String name, int m, double flops, long weights, int reps, Forward f, float[] in,
                               float[] out) {
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; i < 3 || System.nanoTime() < warmEnd && i < 200; i++) {
            f.run(in, out);
        }
        long best = Long.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            f.run(in, out);
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("batch %2d  %-22s %9.2f ms  %7.2f ms/row  %6.1f GFLOP/s  %5.1f GB/s of weights%n", m, name,
                best / 1e6, best / 1e6 / m, flops / best, 4.0 * weights / best);
    }

    private static float[] random(Random rnd, int size, float scale) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return x;
    }
}
