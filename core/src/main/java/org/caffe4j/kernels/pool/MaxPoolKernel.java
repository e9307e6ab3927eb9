package org.caffe4j.kernels.pool;

/**
 * MAX pooling of {@code planes} NCHW planes of h x w into oh x ow with Caffe's semantics (see
 * {@link Pool2dReference#max}). Implemented by {@link Pool2dDirect#max} (scalar) and by a Vector API kernel that
 * {@link org.caffe4j.kernels.simd.Simd#maxPoolKernel()} selects. The output range {@code out[outOff, outOff +
 * planes*oh*ow)} must not overlap the input: a kernel may write any of it before the last output is final (the
 * vector kernel stores a row's last block whole, over the start of the next row).
 */
@FunctionalInterface
public interface MaxPoolKernel {
    void max(float[] in, int inOff, float[] out, int outOff, int planes, int h, int w, int oh, int ow,
             int kh, int kw, int sh, int sw, int ph, int pw);
}
