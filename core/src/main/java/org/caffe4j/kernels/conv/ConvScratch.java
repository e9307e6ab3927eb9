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

    /** {@code buffer}, or a new one of {@code size} floats when it is shorter: a grow-only buffer's one rule. */
    static float[] atLeast(float[] buffer, int size) {
        return buffer.length < size ? new float[size] : buffer;
    }

    /** As {@link #atLeast(float[], int)} for ints. */
    static int[] atLeast(int[] buffer, int size) {
        return buffer.length < size ? new int[size] : buffer;
    }

    float[] padded(int size) {
        padded = atLeast(padded, size);
        return padded;
    }

    /** The Winograd-transformed input tiles of one chunk, read by all of the GEMM's tasks. */
    float[] transformed(int size) {
        transformed = atLeast(transformed, size);
        return transformed;
    }

    /** A strided convolution's input rearranged by {@link Conv2dSpaceToDepth}. */
    float[] rearranged(int size) {
        rearranged = atLeast(rearranged, size);
        return rearranged;
    }

    /** Where each im2col row (input channel x kernel tap) of a group starts in the padded image. */
    int[] rowOffsets(int size) {
        rowOffsets = atLeast(rowOffsets, size);
        return rowOffsets;
    }

    int[] columns(int size) {
        columns = atLeast(columns, size);
        return columns;
    }
}
