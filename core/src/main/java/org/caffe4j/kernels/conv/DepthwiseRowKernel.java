package org.caffe4j.kernels.conv;

/**
 * One output row of one channel of a depthwise convolution, read from a {@link
 * org.caffe4j.kernels.layout.PhaseSplitPlane} so that consecutive outputs read consecutive inputs for every tap.
 * Each output is computed as: acc = 0; for tap t ascending acc = fma(w[wOff + t], src[srcOff + taps[t] + ox], acc);
 * y = acc + bias; then, if {@code relu}, y = max(y, 0) for slope 0, else y > 0 ? y : y * slope. Implementations must
 * follow exactly that float-op sequence, so that the Vector API kernel ({@link
 * org.caffe4j.kernels.simd.Simd#depthwiseKernel()}) and its scalar twin give bit-identical results.
 */
public interface DepthwiseRowKernel {
    /** Computes out[outOff + ox] for ox in [0, n), with one tap per entry of {@code taps}. */
    void row(float[] src, int srcOff, int[] taps, float[] w, int wOff, float bias, boolean relu, float slope,
             float[] out, int outOff, int n);

    /**
     * Outputs the kernel computes at once (1 for the scalar twin): rows narrower than this are run by
     * {@link Conv2dDepthwise} as one long run across rows.
     */
    default int width() {
        return 1;
    }

    /** How the input plane is split for stride 2 ({@link org.caffe4j.kernels.layout.PhaseSplitPlane}). */
    default org.caffe4j.kernels.layout.EvenOddSplit evenOddSplit() {
        return org.caffe4j.kernels.layout.EvenOddSplit.SCALAR;
    }
}
