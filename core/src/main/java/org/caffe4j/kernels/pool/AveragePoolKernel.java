package org.caffe4j.kernels.pool;

/**
 * AVE pooling of {@code planes} NCHW planes of h x w into oh x ow with Caffe's semantics (see
 * {@link Pool2dReference#average}). Implemented by {@link Pool2dDirect#average} (scalar) and by a Vector API kernel
 * that {@link org.caffe4j.kernels.simd.Simd#averagePoolKernel()} selects; both are bit-identical to the reference.
 */
@FunctionalInterface
public interface AveragePoolKernel {
    void average(float[] in, int inOff, float[] out, int outOff, int planes, int h, int w, int oh, int ow,
                 int kh, int kw, int sh, int sw, int ph, int pw);
}
