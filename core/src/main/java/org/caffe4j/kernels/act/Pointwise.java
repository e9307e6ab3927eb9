package org.caffe4j.kernels.act;

/**
 * Caffe's one-input elementwise layers over the range [from, from + n) of {@code in} into the same range of
 * {@code out}; {@code in} and {@code out} may be the same array (each element is read before it is written).
 * Each follows the float arithmetic of the Caffe layer's Forward_cpu, step by step.
 */
public final class Pointwise {
    private Pointwise() {
    }

    /** sigmoid_layer.cpp: 0.5 * tanh(0.5 x) + 0.5 (the tanh form does not overflow for large |x|). */
    public static void sigmoid(float[] in, float[] out, int from, int n) {
        for (int i = from; i < from + n; i++) {
            out[i] = (float) (0.5 * Math.tanh(0.5 * in[i]) + 0.5);
        }
    }

    public static void tanh(float[] in, float[] out, int from, int n) {
        for (int i = from; i < from + n; i++) {
            out[i] = (float) Math.tanh(in[i]);
        }
    }

    public static void abs(float[] in, float[] out, int from, int n) {
        for (int i = from; i < from + n; i++) {
            out[i] = Math.abs(in[i]);
        }
    }

    /** bnll_layer.cpp: log(1 + e^x) in double, split at 0 so that exp never overflows. */
    public static void bnll(float[] in, float[] out, int from, int n) {
        for (int i = from; i < from + n; i++) {
            double x = in[i];
            out[i] = (float) (x > 0 ? x + Math.log(1.0 + Math.exp(-x)) : Math.log(1.0 + Math.exp(x)));
        }
    }

    /** elu_layer.cpp: max(x, 0) + alpha * (exp(min(x, 0)) - 1). */
    public static void elu(float[] in, float[] out, int from, int n, float alpha) {
        for (int i = from; i < from + n; i++) {
            float x = in[i];
            out[i] = Math.max(x, 0f) + alpha * ((float) Math.exp(Math.min(x, 0f)) - 1f);
        }
    }

    /** The ReLU6 layer: min(max(x, 0), 6) as std::max/std::min compute it (NaN stays NaN, -0 stays -0). */
    public static void relu6(float[] in, float[] out, int from, int n) {
        for (int i = from; i < from + n; i++) {
            float x = in[i];
            float y = x < 0f ? 0f : x;
            out[i] = 6f < y ? 6f : y;
        }
    }

    /** threshold_layer.cpp: 1 where x > threshold, else 0. */
    public static void threshold(float[] in, float[] out, int from, int n, float threshold) {
        for (int i = from; i < from + n; i++) {
            out[i] = in[i] > threshold ? 1f : 0f;
        }
    }

    /**
     * power_layer.cpp: (shift + scale * x)^power, applying each step only when it is not the identity, and a
     * constant when power * scale == 0 (Caffe then ignores the input, even NaN).
     */
    public static void power(float[] in, float[] out, int from, int n, float power, float scale, float shift) {
        if (power * scale == 0f) {
            float value = power == 0f ? 1f : (float) Math.pow(shift, power);
            java.util.Arrays.fill(out, from, from + n, value);
            return;
        }
        for (int i = from; i < from + n; i++) {
            float y = in[i];
            if (scale != 1f) {
                y *= scale;
            }
            if (shift != 0f) {
                y += shift;
            }
            if (power != 1f) {
                y = (float) Math.pow(y, power);
            }
            out[i] = y;
        }
    }

    /** exp_layer.cpp: outerScale * exp(innerScale * x), where the op folds base, scale and shift into the two. */
    public static void exp(float[] in, float[] out, int from, int n, float innerScale, float outerScale) {
        for (int i = from; i < from + n; i++) {
            float y = innerScale == 1f ? in[i] : innerScale * in[i];
            y = (float) Math.exp(y);
            out[i] = outerScale != 1f ? y * outerScale : y;
        }
    }

    /** log_layer.cpp: baseScale * log(shift + scale * x), each step skipped when it is the identity. */
    public static void log(float[] in, float[] out, int from, int n, float scale, float shift, float baseScale) {
        for (int i = from; i < from + n; i++) {
            float y = in[i];
            if (scale != 1f) {
                y *= scale;
            }
            if (shift != 0f) {
                y += shift;
            }
            y = (float) Math.log(y);
            out[i] = baseScale != 1f ? y * baseScale : y;
        }
    }
}
