package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.conv.DepthwiseRowKernel;

/**
 * The scalar twin of {@link DepthwiseVectorKernel}: the same float operations per output (fma over the taps, then
 * the bias, then ReLU), so the results are bit-identical. Used when the Vector API is unavailable or disabled, for
 * rows narrower than the vector kernel's narrowest vector, and as a test oracle.
 */
public final class DepthwiseScalarKernel implements DepthwiseRowKernel {
    @Override
    public void row(float[] src, int srcOff, int[] taps, float[] w, int wOff, float bias, boolean relu, float slope,
                    float[] out, int outOff, int n) {
        for (int ox = 0; ox < n; ox++) {
            float acc = 0f;
            for (int t = 0; t < taps.length; t++) {
                acc = Math.fma(w[wOff + t], src[srcOff + taps[t] + ox], acc);
            }
            float y = acc + bias;
            if (relu) {
                y = slope == 0f ? Math.max(y, 0f) : y > 0f ? y : y * slope;
            }
            out[outOff + ox] = y;
        }
    }
}
