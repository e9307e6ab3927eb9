package org.caffe4j.kernels;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * Measures how fast this machine streams memory into the cores: the ceiling for layers whose weights come from
 * memory on every pass (at batch 1 a NIN pass reads ~57 MB of stored weights, more than the caches hold), as
 * {@link org.caffe4j.kernels.gemm.MicroKernelPeak} is the ceiling for the arithmetic. On a shared host it moves
 * with the neighbours' traffic (7–25 GB/s on two vCPUs of the same machine), so it is measured in the same run as
 * the layers it is compared with.
 *
 * <p>All threads start each sweep together and each reads its share of one array of {@link #SWEEP_BYTES}, every
 * value, with independent sums; a sweep lasts from the first reader's start to the last one's end (each reader
 * times itself: the coordinating thread may not get a core while the readers run), and the figure is the best
 * sweep's total rate.
 */
public final class StreamBandwidth {
    /** Bytes per sweep: twice a 32 MB L3, so that a sweep cannot find what the previous one read in cache. */
    static final int SWEEP_BYTES = 64 << 20;

    private StreamBandwidth() {
    }

    /** GB/s (10⁹ bytes per second) that {@code threads} threads reading together reach, over about {@code millis} ms. */
    public static double gbPerSecond(int threads, long millis) {
        if (threads < 1 || millis < 1) {
            throw new IllegalArgumentException("threads and millis must be positive: " + threads + ", " + millis);
        }
        long[] data = new long[SWEEP_BYTES / Long.BYTES];
        for (int i = 0; i < data.length; i++) {
            data[i] = i; // touched once, so the sweeps read memory the OS has really mapped
        }
        CyclicBarrier barrier = new CyclicBarrier(threads + 1);
        long[] sinks = new long[threads];
        long[] starts = new long[threads];
        long[] ends = new long[threads];
        boolean[] stop = new boolean[1];
        Thread[] readers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            int from = (int) ((long) data.length * t / threads);
            int to = (int) ((long) data.length * (t + 1) / threads);
            readers[t] = new Thread(() -> {
                try {
                    while (true) {
                        barrier.await();
                        if (stop[0]) {
                            return;
                        }
                        starts[id] = System.nanoTime();
                        sinks[id] += sum(data, from, to);
                        ends[id] = System.nanoTime();
                        barrier.await();
                    }
                } catch (InterruptedException | BrokenBarrierException e) {
                    Thread.currentThread().interrupt();
                }
            }, "caffe4j-stream-" + t);
            readers[t].setDaemon(true);
            readers[t].start();
        }
        double best = 0;
        try {
            long deadline = System.nanoTime() + millis * 1_000_000L;
            for (int sweep = 0; sweep < 3 || System.nanoTime() < deadline; sweep++) {
                barrier.await(); // start the sweep
                barrier.await(); // every reader done (the barrier publishes their times)
                long nanos = java.util.Arrays.stream(ends).max().getAsLong()
                        - java.util.Arrays.stream(starts).min().getAsLong();
                best = Math.max(best, (double) SWEEP_BYTES / Math.max(1, nanos));
            }
            stop[0] = true;
            barrier.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring memory bandwidth", e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("a memory bandwidth reader failed", e);
        }
        return best;
    }

    /** Reads every value of {@code a[from, to)} through four independent sums, so loads, not adds, set the pace. */
    private static long sum(long[] a, int from, int to) {
        long s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < to; i++) {
            s0 += a[i];
        }
        return s0 + s1 + s2 + s3;
    }
}
