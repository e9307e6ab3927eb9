package org.caffe4j.kernels.conv;

/**
 * Per-thread, grow-only buffers a convolution call needs besides the GEMM's own: the zero-padded image, the
 * per-pixel gather offsets and the Winograd-transformed input. Owned by the thread that calls forward; the worker
 * tasks only use them while that call runs, so concurrent calls from different threads never share a buffer.
 */
final class ConvScratch {
    private static final ThreadLocal<ConvScratch> CURRENT = ThreadLocal.withInitial(ConvScratch::new);

    private float[] padded = new float[0];
    private int[] columns = new int[0];
    private int[] rowOffsets = new int[0];
    private float[] transformed = new float[0];
    private float[] rearranged = new float[0];

    static ConvScratch forCurrentThread() {
        return CURRENT.get();
    }

    float[] padded(int size) {
        if (padded.length < size) {
            padded = new float[size];
        }
        return padded;
    }

    /** The Winograd-transformed input tiles of one chunk, read by all of the GEMM's tasks. */
    float[] transformed(int size) {
        if (transformed.length < size) {
            transformed = new float[size];
        }
        return transformed;
    }

    /** A strided convolution's input rearranged by {@link Conv2dSpaceToDepth}. */
    float[] rearranged(int size) {
        if (rearranged.length < size) {
            rearranged = new float[size];
        }
        return rearranged;
    }

    /** Where each im2col row (input channel x kernel tap) of a group starts in the padded image. */
    int[] rowOffsets(int size) {
        if (rowOffsets.length < size) {
            rowOffsets = new int[size];
        }
        return rowOffsets;
    }

    int[] columns(int size) {
        if (columns.length < size) {
            columns = new int[size];
        }
        return columns;
    }
}
