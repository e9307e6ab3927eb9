package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.Parallel;

/**
 * A convolution prepared once from its weights (packed, bias and activation attached) and then run on any number
 * of images of any spatial size. Implementations are immutable and safe to call from many threads at once.
 */
public interface Conv2dKernel {
    /**
     * Whether {@link #unpackWeights} rebuilds the weights this kernel was built from exactly (packed GEMM panels
     * only move values; a Winograd transform does not keep them).
     */
    default boolean keepsWeightsExactly() {
        return false;
    }

    /**
     * Whether this kernel holds only its own copy of the weights it was built from (packed or transformed) and no
     * reference to the array it was given, so that array can be dropped (depthwise kernels read it directly).
     */
    default boolean copiesWeights() {
        return keepsWeightsExactly();
    }

    /** The OIHW weights this kernel was built from, rebuilt from its own copy (when {@link #keepsWeightsExactly}). */
    default float[] unpackWeights() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not keep its weights exactly");
    }

    /**
     * Convolves one NCHW image {@code in[inOff ..]} into {@code out[outOff ..]} (outC x outH x outW), with the
     * bias and activation the kernel was prepared with.
     *
     * @throws IllegalArgumentException if the shape's channels, kernel size or group differ from the prepared
     *                                  weights', or an array is too short
     */
    void forward(ConvShape shape, float[] in, int inOff, float[] out, int outOff, Parallel par);

    /**
     * Convolves {@code batch} images stored one after another (image i at {@code inOff + i*shape.inSize()}, its
     * output at {@code outOff + i*shape.outSize()}). Kernels may process them together, e.g. to load each weight
     * once for all images; results are the same as image-by-image calls up to the summation order documented by
     * the implementation.
     */
    default void forward(ConvShape shape, int batch, float[] in, int inOff, float[] out, int outOff, Parallel par) {
        for (int i = 0; i < batch; i++) {
            forward(shape, in, inOff + i * shape.inSize(), out, outOff + i * shape.outSize(), par);
        }
    }

    /**
     * Bytes of weights one call reads, in the layout the kernel stores them (packed, or Winograd-transformed and
     * then alpha²/r² times the original): what a call streams from memory when they are not cached, which is what
     * bounds weight-heavy layers at batch 1.
     */
    long weightBytes();
}
