package org.caffe4j.ops;

/**
 * A per-channel affine map over axis 1, y = scale[c] * x + shift[c]: what an inference BatchNorm or a Scale layer
 * computes, which the planner folds into the convolution that produces its input (as OpenCV and ncnn do).
 */
public record ChannelAffine(float[] scale, float[] shift) {
    public ChannelAffine {
        if (scale.length != shift.length) {
            throw new IllegalArgumentException(scale.length + " scales but " + shift.length + " shifts");
        }
    }

    public int channels() {
        return scale.length;
    }
}
