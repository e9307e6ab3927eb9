package org.caffe4j.kernels.act;

/** Elementwise activations over float ranges; {@code in} and {@code out} may be the same array (in place). */
public final class Activations {
    private Activations() {
    }

    /** Caffe's ReLU: max(x, 0) + negative_slope * min(x, 0). */
    public static void relu(float[] in, int inOff, float[] out, int outOff, int n, float negativeSlope) {
        if (negativeSlope == 0f) {
            for (int i = 0; i < n; i++) {
                float v = in[inOff + i];
                out[outOff + i] = v > 0f ? v : 0f;
            }
        } else {
            for (int i = 0; i < n; i++) {
                float v = in[inOff + i];
                out[outOff + i] = v > 0f ? v : v * negativeSlope;
            }
        }
    }
}
