package org.caffe4j.kernels;

/**
 * The element-wise activation a kernel may fuse into its output pass. Only Caffe's ReLU is fusable:
 * y = x for x > 0, y = negativeSlope * x otherwise; with negativeSlope 0 it is max(x, 0), which like Caffe gives +0
 * (not -0) for negative x and keeps NaN.
 *
 * @param relu          whether to apply the ReLU at all
 * @param negativeSlope Caffe's {@code relu_param.negative_slope}; ignored when {@code relu} is false
 */
public record Activation(boolean relu, float negativeSlope) {
    public static final Activation NONE = new Activation(false, 0f);
    public static final Activation RELU = new Activation(true, 0f);

    public static Activation relu(float negativeSlope) {
        return negativeSlope == 0f ? RELU : new Activation(true, negativeSlope);
    }

    /** The scalar definition every fused kernel must reproduce. */
    public float apply(float x) {
        if (!relu) {
            return x;
        }
        return negativeSlope == 0f ? Math.max(x, 0f) : x > 0f ? x : x * negativeSlope;
    }
}
