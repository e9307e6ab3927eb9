package org.caffe4j.kernels.pool;

/**
 * MAX pooling of {@code planes} NCHW planes of h x w into oh x ow with Caffe's semantics (see
 * {@link Pool2dReference#max}). Implemented by {@link Pool2dDirect#max} (scalar) and by a Vector API kernel that
 * {@link org.caffe4j.kernels.simd.Simd#maxPoolKernel()} selects.
 */
@FunctionalInterface
public interface MaxPoolKernel {
    void max(float[] in, int inOff, float[] out, int outOff, int planes, int h, int w, int oh, int ow,
             int kh, int kw, int sh, int sw, int ph, int pw);
}
