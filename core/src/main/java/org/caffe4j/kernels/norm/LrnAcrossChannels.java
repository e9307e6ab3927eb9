package org.caffe4j.kernels.norm;


/**
 * ACROSS_CHANNELS LRN as Caffe's CPU code computes it: a running sum of squares slides along the channels (one
 * channel enters and one leaves the window per step, instead of summing local_size squares for every output), and
 * the per-pixel passes are vectorized over a block of pixels ({@link LrnWindowKernel}). The running sum lives in a
 * per-thread buffer of one block's pixels, so it stays in L1 while the channels go by.
 *
 * <p>Pixels are independent: work is split into (image, pixel block) tasks by shape only and every pixel sees the
 * same float operations however the split falls, so results are bit-identical for any thread count. They differ
 * from {@link LrnReference} (which sums each window in double) by float rounding, and by the running sum's
 * rounding, within the APPROX tolerance. The output must not overlap the input (channels that left the window
 * are read again to subtract their squares).
 */
public final class LrnAcrossChannels {
    /** Smallest pixel block worth a task: small maps (13x13) of a single image then still give one task. */
    static final int MIN_BLOCK_PIXELS = 256;
    /** Pixel blocks per image for large maps, so one image spreads over a few threads. */
    static final int BLOCKS_PER_IMAGE = 4;

    private static final ThreadLocal<float[]> SUM = ThreadLocal.withInitial(() -> new float[0]);

    private LrnAcrossChannels() {
    }

    /** Pixels per block for a plane: depends on the shape only, a multiple of 16 (whole vectors). */
    public static int blockPixels(int plane) {
        int perBlock = (plane + BLOCKS_PER_IMAGE - 1) / BLOCKS_PER_IMAGE;
        perBlock = (perBlock + 15) / 16 * 16;
        return Math.max(MIN_BLOCK_PIXELS, perBlock);
    }

    /** Number of pixel blocks of a plane, see {@link #blockPixels}. */
    public static int blocks(int plane) {
        int per = blockPixels(plane);
        return (plane + per - 1) / per;
    }

    public static void forwardBlock(float[] in, int inOff, float[] out, int outOff, int channels, int plane, int block,
                                    int size, float alpha, float beta, float k, LrnWindowKernel kernel) {
        int per = blockPixels(plane);
        int p0 = block * per;
        int p1 = Math.min(plane, p0 + per);
        if (p0 >= p1) {
            throw new IllegalArgumentException("block " + block + " is past the " + plane + "-pixel plane");
        }
        float[] sum = SUM.get();
        if (sum.length < plane) {
            sum = new float[plane];
            SUM.set(sum);
        }
        java.util.Arrays.fill(sum, p0, p1, 0f);
        int half = (size - 1) / 2;
        float alphaOverSize = alpha / size;
        // The window of channel 0 is [-half, half]: channels 0 .. half enter before the first output.
        for (int c = 0; c <= half && c < channels; c++) {
            kernel.slide(sum, in, inOff + c * plane, -1, p0, p1);
        }
        for (int c = 0; c < channels; c++) {
            if (c > 0) {
                int entering = c + half;
                int leaving = c - half - 1;
                kernel.slide(sum, in, entering < channels ? inOff + entering * plane : -1,
                        leaving >= 0 ? inOff + leaving * plane : -1, p0, p1);
            }
            kernel.normalize(sum, in, inOff + c * plane, out, outOff + c * plane, p0, p1, alphaOverSize, k, beta);
        }
    }
}
