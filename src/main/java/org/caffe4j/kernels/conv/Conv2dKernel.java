package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.Parallel;

/**
 * A convolution prepared once from its weights (packed, bias and activation attached) and then run on any number
 * of images of any spatial size. Implementations are immutable and safe to call from many threads at once.
 */
public interface Conv2dKernel {
    /**
     * Convolves one NCHW image {@code in[inOff ..]} into {@code out[outOff ..]} (outC x outH x outW), with the
     * bias and activation the kernel was prepared with.
     *
     * @throws IllegalArgumentException if the shape's channels, kernel size or group differ from the prepared
     *                                  weights', or an array is too short
     */
    void forward(ConvShape shape, float[] in, int inOff, float[] out, int outOff, Parallel par);
}
