package org.caffe4j.kernels.gemm;

/**
 * Java has no prefetch instruction, so this reads one float per 64-byte cache line of a range that is about to be
 * used several times and is likely not cached (weights streamed from memory once per pass): independent loads
 * with four running sums keep many cache misses in flight, where the micro-kernel, whose loads wait on its FMAs,
 * keeps few. The range then comes from L2 for every use. The sums go to a field so the loads cannot be removed.
 * It pays on im2col's streamed weight panels, not on Winograd's weight blocks (fewer sweeps read them); figures in
 * bench/HISTORY.md.
 */
public final class Prefetch {
    private static final int FLOATS_PER_LINE = 16;
    /** Written, never read: it only keeps the loads alive. */
    @SuppressWarnings("unused")
    private static float sink;

    private Prefetch() {
    }

    /** Loads {@code a[from .. from + length)} into the cache, one value per cache line. */
    public static void touch(float[] a, int from, int length) {
        int end = Math.min(a.length, from + length);
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 3 * FLOATS_PER_LINE < end; i += 4 * FLOATS_PER_LINE) {
            s0 += a[i];
            s1 += a[i + FLOATS_PER_LINE];
            s2 += a[i + 2 * FLOATS_PER_LINE];
            s3 += a[i + 3 * FLOATS_PER_LINE];
        }
        for (; i < end; i += FLOATS_PER_LINE) {
            s0 += a[i];
        }
        sink = s0 + s1 + s2 + s3;
    }
}
