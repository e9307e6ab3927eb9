package org.caffe4j.kernels.dense;

/**
 * embed_layer.cpp: each input value, truncated toward zero to an int as Caffe's static_cast does, picks a row of
 * the {@code inputDim} x {@code numOutput} weights; the bias, if any, is added. Values that do not truncate into
 * [0, inputDim) (which Caffe only checks in debug builds) are refused: {@link #firstBadIndex} finds them first.
 */
public final class EmbedReference {
    private EmbedReference() {
    }

    /** The position of the first value that is not a valid row index once truncated, or -1. */
    public static int firstBadIndex(float[] in, int count, int inputDim) {
        for (int i = 0; i < count; i++) {
            float v = in[i];
            // NaN fails both comparisons' negation; the int cast of a float above 2^31 saturates, so compare floats.
            if (!(v > -1f && v < inputDim)) {
                return i;
            }
        }
        return -1;
    }

    public static void forward(float[] in, float[] weights, float[] bias, float[] out, int count, int numOutput) {
        for (int i = 0; i < count; i++) {
            int row = (int) in[i];
            for (int j = 0; j < numOutput; j++) {
                float v = weights[row * numOutput + j];
                out[i * numOutput + j] = bias == null ? v : v + bias[j];
            }
        }
    }
}
