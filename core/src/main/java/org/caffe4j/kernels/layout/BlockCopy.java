package org.caffe4j.kernels.layout;

/**
 * Data movement along one axis of a blob viewed as outer x axis x inner: the arithmetic of Concat and Slice
 * (concat_layer.cpp, slice_layer.cpp). Values are copied bit for bit.
 */
public final class BlockCopy {
    private BlockCopy() {
    }

    /**
     * Copies, for each outer index, {@code len} axis positions starting at {@code srcStart} of a source whose
     * axis has {@code srcAxis} positions, to {@code dstStart} of a destination whose axis has {@code dstAxis}.
     */
    public static void copy(float[] src, int srcAxis, int srcStart, float[] dst, int dstAxis, int dstStart,
                            int outer, int len, int inner) {
        int block = len * inner;
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, (o * srcAxis + srcStart) * inner, dst, (o * dstAxis + dstStart) * inner, block);
        }
    }

    /**
     * crop_layer.cpp: copies the window of {@code outDims} starting at {@code offsets} out of a blob of
     * {@code inDims} (same rank), into a dense blob of {@code outDims}.
     */
    public static void crop(float[] in, int[] inDims, int[] offsets, float[] out, int[] outDims) {
        int rank = inDims.length;
        if (rank == 0) {
            out[0] = in[0];
            return;
        }
        int[] inStride = new int[rank];
        inStride[rank - 1] = 1;
        for (int a = rank - 2; a >= 0; a--) {
            inStride[a] = inStride[a + 1] * inDims[a + 1];
        }
        int rows = 1;
        for (int a = 0; a < rank - 1; a++) {
            rows *= outDims[a];
        }
        int rowLen = outDims[rank - 1];
        int[] idx = new int[rank - 1];
        for (int r = 0; r < rows; r++) {
            int src = offsets[rank - 1];
            for (int a = 0; a < rank - 1; a++) {
                src += (idx[a] + offsets[a]) * inStride[a];
            }
            System.arraycopy(in, src, out, r * rowLen, rowLen);
            for (int a = rank - 2; a >= 0; a--) {
                if (++idx[a] < outDims[a]) {
                    break;
                }
                idx[a] = 0;
            }
        }
    }
}
