package org.caffe4j.kernels.layout;

/** permute_layer.cpp (SSD fork): top axis i is bottom axis order[i]; the top is written in C order. */
public final class PermuteCopy {
    private PermuteCopy() {
    }

    /**
     * @param outDims the top's dims
     * @param steps   for each top axis, the stride of bottom axis order[i] in the bottom
     */
    public static void forward(float[] src, float[] dst, int count, int[] outDims, int[] steps) {
        int rank = outDims.length;
        int[] idx = new int[rank];
        int from = 0;
        for (int o = 0; o < count; o++) {
            dst[o] = src[from];
            // Advance the top's index like an odometer, moving the bottom offset with it.
            for (int i = rank - 1; i >= 0; i--) {
                if (++idx[i] < outDims[i]) {
                    from += steps[i];
                    break;
                }
                from -= steps[i] * (outDims[i] - 1);
                idx[i] = 0;
            }
        }
    }
}
