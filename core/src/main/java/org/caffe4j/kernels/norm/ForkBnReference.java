package org.caffe4j.kernels.norm;

/**
 * The segmentation forks' BN layers at test time, over one channel plane [off, off + n) of {@code in} into the same
 * range of {@code out} (which may be {@code in}), each step rounded to float as the forks' BLAS calls round it.
 */
public final class ForkBnReference {
    private ForkBnReference() {
    }

    /**
     * hszhao/PSPNet bn_layer.cpp with the stored statistics: ((x - mean) * invStd) * slope + bias, where invStd is
     * (var + eps)^-0.5 (see {@link #inverseStd}).
     */
    public static void slopeBias(float[] in, float[] out, int off, int n, float mean, float invStd, float slope,
                                 float bias) {
        for (int i = off; i < off + n; i++) {
            float t = in[i] - mean;
            t = t * invStd;
            t = t * slope;
            out[i] = t + bias;
        }
    }

    /** caffe_add_scalar then caffe_powx(-0.5), in float. */
    public static float inverseStd(float var, float eps) {
        return (float) Math.pow(var + eps, -0.5);
    }

    /** alexgkendall/caffe-segnet bn_layer.cpp, bn_mode INFERENCE: x * scale + shift. */
    public static void scaleShift(float[] in, float[] out, int off, int n, float scale, float shift) {
        for (int i = off; i < off + n; i++) {
            float t = in[i] * scale;
            out[i] = t + shift;
        }
    }
}
