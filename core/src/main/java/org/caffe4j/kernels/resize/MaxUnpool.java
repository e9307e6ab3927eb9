package org.caffe4j.kernels.resize;

/**
 * SegNet's Upsample with a mask bottom (alexgkendall/caffe-segnet upsample_layer.cpp): each output plane starts at
 * zero and every input value is written at the position its mask value names within the plane (a MAX pooling
 * layer's argmax top, h * width + w, truncated to int as the fork's cast does); a later value at the same position
 * overwrites an earlier one, as in the fork's loop.
 */
public final class MaxUnpool {
    private MaxUnpool() {
    }

    /** The first of {@code count} mask values that is no position in a plane of {@code outPlane}, or -1. */
    public static int firstBadIndex(float[] mask, int count, int outPlane) {
        for (int i = 0; i < count; i++) {
            float v = mask[i];
            if (!(v > -1f && v < outPlane)) {
                return i;
            }
        }
        return -1;
    }

    /** Plane {@code p}: {@code inPlane} values and mask entries in, {@code outPlane} values out. */
    public static void plane(float[] in, float[] mask, float[] out, int p, int inPlane, int outPlane) {
        int inOff = p * inPlane, outOff = p * outPlane;
        java.util.Arrays.fill(out, outOff, outOff + outPlane, 0f);
        for (int i = 0; i < inPlane; i++) {
            out[outOff + (int) mask[inOff + i]] = in[inOff + i];
        }
    }
}
