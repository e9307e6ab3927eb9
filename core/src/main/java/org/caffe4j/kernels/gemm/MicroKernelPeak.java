package org.caffe4j.kernels.gemm;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * Measures what the SGEMM micro-kernel reaches on this machine with its operands in L1: the ceiling that the
 * benchmark's "fraction of peak" is reported against. A constant peak would be wrong on the next machine (the
 * project's machines differ by about 2x per core), and the kernel's own in-cache speed is the figure a layer can
 * actually approach.
 *
 * <p>Each of {@code threads} threads runs full tiles (K = 256) on its own arrays (see {@link #runOne});
 * all start together, so the figure includes what the cores share (clock limits, a busy neighbour).
 */
public final class MicroKernelPeak {
    private static final int KC = 256;

    private MicroKernelPeak() {
    }

    /** Total GFLOP/s of {@code threads} threads, each running {@code kernel} for about {@code millis} ms. */
    public static double gflops(SgemmMicroKernel kernel, int threads, long millis) {
        if (threads < 1 || millis < 1) {
            throw new IllegalArgumentException("threads and millis must be positive: " + threads + ", " + millis);
        }
        double[] perThread = new double[threads];
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                perThread[id] = runOne(kernel, millis);
            }, "caffe4j-peak-" + t);
            workers[t].setDaemon(true);
            workers[t].start();
        }
        start.countDown();
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the micro-kernel", e);
            }
        }
        return Arrays.stream(perThread).sum();
    }

    /**
     * One thread: slices of 200 tiles, timed, until the best slice has not improved by 1% for half the given
     * time (a JIT recompilation of the kernel, e.g. after a deoptimization, can take a few hundred ms on JDK 17),
     * and at most four times the given time. The tiles start from a bias and apply ReLU, the case convolutions
     * run most, so the probe does not send the JIT down a path the passes never took.
     */
    private static double runOne(SgemmMicroKernel kernel, long millis) {
        InCacheTiles tiles = new InCacheTiles(kernel);
        int calls = 200;
        double best = 0;
        long start = System.nanoTime();
        long lastGain = start;
        long patience = millis * 1_000_000L / 2;
        long deadline = start + 4 * millis * 1_000_000L;
        long now;
        do {
            long t0 = System.nanoTime();
            tiles.run(calls);
            now = System.nanoTime();
            double rate = tiles.flopsPerCall() * calls / (now - t0);
            if (rate > best * 1.01) {
                lastGain = now;
            }
            best = Math.max(best, rate);
        } while (now - lastGain < patience && now < deadline);
        tiles.check();
        return best;
    }

    /**
     * The probe's work on its own: one MR x nr() tile over a K of 256 whose operands stay in L1, from a bias and
     * with ReLU, repeated; for harnesses that time the micro-kernel's in-cache speed next to something else in the
     * same rounds.
     */
    public static final class InCacheTiles {
        private final SgemmMicroKernel kernel;
        private final float[] a = new float[KC * SgemmMicroKernel.MR];
        private final float[] b;
        private final float[] c;
        private final float[] bias = new float[SgemmMicroKernel.MR];

        public InCacheTiles(SgemmMicroKernel kernel) {
            this.kernel = kernel;
            this.b = new float[KC * kernel.nr()];
            this.c = new float[SgemmMicroKernel.MR * kernel.nr()];
            Arrays.fill(a, 1e-3f);
            Arrays.fill(b, 1e-3f);
        }

        /** Floating-point operations of one call (2 per multiply-add). */
        public double flopsPerCall() {
            return 2.0 * KC * SgemmMicroKernel.MR * kernel.nr();
        }

        public void run(long calls) {
            for (long i = 0; i < calls; i++) {
                kernel.tile(KC, a, 0, b, 0, c, 0, kernel.nr(), false, bias, 0, true, 0f);
            }
        }

        /** Reads the result, so that the JIT cannot drop the work. */
        public void check() {
            if (c[0] == Float.MIN_VALUE) {
                throw new AssertionError();
            }
        }
    }
}
