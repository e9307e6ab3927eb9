package org.caffe4j.kernels.act;

/** Elementwise activations over float ranges; {@code in} and {@code out} may be the same array (in place). */
public final class Activations {
    private Activations() {
    }

    /**
     * Caffe's ReLU: max(x, 0) + negative_slope * min(x, 0). Written as a test on x &lt; 0 so that NaN passes
     * through and -0 stays -0, exactly as Caffe's std::max/std::min formula does.
     */
    public static void relu(float[] in, int inOff, float[] out, int outOff, int n, float negativeSlope) {
        if (negativeSlope == 0f) {
            for (int i = 0; i < n; i++) {
                float v = in[inOff + i];
                out[outOff + i] = v < 0f ? 0f : v;
            }
        } else {
            for (int i = 0; i < n; i++) {
                float v = in[inOff + i];
                out[outOff + i] = v < 0f ? v * negativeSlope : v;
            }
        }
    }
}
