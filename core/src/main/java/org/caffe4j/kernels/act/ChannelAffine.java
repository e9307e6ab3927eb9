package org.caffe4j.kernels.act;

/**
 * Per-channel elementwise layers over a blob viewed as outer x channels x inner (PReLU, BatchNorm, Scale, Bias).
 * Each call handles one (outer, channel) plane of {@code inner} values at {@code off}; {@code in} and {@code out}
 * may be the same array.
 */
public final class ChannelAffine {
    private ChannelAffine() {
    }

    /** prelu_layer.cpp: max(x, 0) + slope * min(x, 0). */
    public static void prelu(float[] in, float[] out, int off, int inner, float slope) {
        for (int i = off; i < off + inner; i++) {
            float x = in[i];
            out[i] = Math.max(x, 0f) + slope * Math.min(x, 0f);
        }
    }

    /** batch_norm_layer.cpp at inference: (x - mean) / std, with std = sqrt(var + eps) already computed in float. */
    public static void normalize(float[] in, float[] out, int off, int inner, float mean, float std) {
        for (int i = off; i < off + inner; i++) {
            out[i] = (in[i] - mean) / std;
        }
    }

    /** scale_layer.cpp (then bias_layer.cpp when {@code hasBias}): x * scale + bias, two float roundings as in Caffe. */
    public static void scaleBias(float[] in, float[] out, int off, int inner, float scale, boolean hasScale,
                                 float bias, boolean hasBias) {
        for (int i = off; i < off + inner; i++) {
            float y = hasScale ? in[i] * scale : in[i];
            out[i] = hasBias ? y + bias : y;
        }
    }
}
