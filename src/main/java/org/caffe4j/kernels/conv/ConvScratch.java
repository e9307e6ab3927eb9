package org.caffe4j.kernels.conv;

/**
 * Per-thread, grow-only buffers a convolution call needs besides the GEMM's own: the zero-padded image and the
 * per-pixel gather offsets. Owned by the thread that calls forward; the GEMM's worker tasks only read them while
 * that call runs, so concurrent calls from different threads never share a buffer.
 */
final class ConvScratch {
    private static final ThreadLocal<ConvScratch> CURRENT = ThreadLocal.withInitial(ConvScratch::new);

    private float[] padded = new float[0];
    private int[] columns = new int[0];

    static ConvScratch forCurrentThread() {
        return CURRENT.get();
    }

    float[] padded(int size) {
        if (padded.length < size) {
            padded = new float[size];
        }
        return padded;
    }

    int[] columns(int size) {
        if (columns.length < size) {
            columns = new int[size];
        }
        return columns;
    }
}
