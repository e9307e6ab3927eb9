package org.caffe4j.bench;

import java.util.Random;
import org.caffe4j.kernels.act.ElementwiseKernels;
import org.caffe4j.kernels.simd.Simd;

/**
 * Times the elementwise kernels on a 96 x 55 x 55 blob (AlexNet conv1's output, 1.1 MB, L2/L3 resident), one
 * thread, scalar twin against the Vector API: ReLU in place, a 2-input Eltwise SUM, BatchNorm's normalization and
 * Scale with bias.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp target/classes:target/test-classes org.caffe4j.bench.ElementwiseBench
 * </pre>
 */
public final class ElementwiseBench {
    private static final int N = 96 * 55 * 55;

    interface Body {
        void run(ElementwiseKernels k, float[] a, float[] b, float[] out);
    }

    public static void main(String[] args) {
        System.out.printf("java %s, simd=%s, %d floats, load %.1f%n", System.getProperty("java.version"),
                Simd.enabled(), N,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        measure("ReLU in place", (k, a, b, out) -> k.relu(a, 0, a, 0, N, 0f));
        measure("Eltwise SUM of 2", (k, a, b, out) -> k.sum(new float[][] {a, b}, new float[] {1f, 1f}, out, 0, N));
        measure("BatchNorm normalize", (k, a, b, out) -> k.normalize(a, out, 0, N, 0.5f, 1.5f));
        measure("Scale with bias", (k, a, b, out) -> k.scaleBias(a, out, 0, N, 1.5f, true, 0.25f, true));
    }

    private static void measure(String name, Body body) {
        Random rnd = new Random(1);
        float[] a = new float[N];
        float[] b = new float[N];
        for (int i = 0; i < N; i++) {
            a[i] = rnd.nextFloat() * 2 - 1;
            b[i] = rnd.nextFloat() * 2 - 1;
        }
        float[] out = new float[N];
        System.out.printf("%-22s scalar %7.1f us   vector %7.1f us%n", name,
                best(() -> body.run(ElementwiseKernels.SCALAR, a, b, out)),
                best(() -> body.run(Simd.elementwise(), a, b, out)));
    }

    private static double best(Runnable r) {
        long warmEnd = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < warmEnd) {
            r.run();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 200; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / 1e3;
    }
}
