package org.caffe4j.bench;

import java.util.Random;
import org.caffe4j.kernels.norm.LrnAcrossChannels;
import org.caffe4j.kernels.norm.LrnReference;
import org.caffe4j.kernels.simd.Simd;

/**
 * Times ACROSS_CHANNELS LRN (local_size 5, alpha 1e-4, beta 0.75) on AlexNet's norm1 (96 x 55²) and norm2
 * (256 x 27²) for one image, one thread: the double-precision reference against the running-sum kernel.
 *
 * <pre>
 * mvn -q -o test-compile
 * java --add-modules=jdk.incubator.vector -cp target/classes:target/test-classes org.caffe4j.bench.LrnBench [reps=30]
 * </pre>
 */
public final class LrnBench {
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        System.out.printf("java %s, simd=%s, best of %d, load %.1f%n", System.getProperty("java.version"),
                Simd.enabled(), reps,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        measure("norm1 96x55x55", 96, 55 * 55, reps);
        measure("norm2 256x27x27", 256, 27 * 27, reps);
    }

    private static void measure(String name, int channels, int plane, int reps) {
        Random rnd = new Random(1);
        float[] in = new float[channels * plane];
        for (int i = 0; i < in.length; i++) {
            in[i] = rnd.nextFloat() * 20 - 10;
        }
        float[] out = new float[in.length];
        int blocks = LrnAcrossChannels.blocks(plane);
        Runnable reference = () -> LrnReference.acrossChannels(in, 0, out, 0, channels, plane, 5, 1e-4f, 0.75f, 1f);
        Runnable fast = () -> {
            for (int b = 0; b < blocks; b++) {
                LrnAcrossChannels.forwardBlock(in, 0, out, 0, channels, plane, b, 5, 1e-4f, 0.75f, 1f, Simd.lrnKernel());
            }
        };
        System.out.printf("%-16s reference %7.3f ms   running sum %7.3f ms%n", name, best(reference, reps),
                best(fast, reps));
    }

    private static double best(Runnable r, int reps) {
        long warmEnd = System.nanoTime() + 700_000_000L;
        while (System.nanoTime() < warmEnd) {
            r.run();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best / 1e6;
    }
}
