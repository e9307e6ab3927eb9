package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.gemm.PackedSgemm;
import org.caffe4j.kernels.gemm.RowMajorPanels;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * 1x1 convolution with stride 1 and no padding as one GEMM per group straight on the NCHW image: the input is
 * already the (inC x H*W) B matrix and the output the (outC x H*W) C matrix, so there is no im2col at all; bias and
 * ReLU are applied as the output tile leaves the registers. Scratch memory is the GEMM's per-thread B block
 * ({@link PackedSgemm}).
 */
public final class Conv2dPointwiseGemm extends GemmConvolution {
    /**
     * @param weights     outC x inCPerGroup values (OIHW with a 1x1 kernel)
     * @param bias        outC values or null
     * @param microKernel the GEMM's register tile: the Vector API's or its scalar twin (bit-identical)
     */
    public Conv2dPointwiseGemm(float[] weights, float[] bias, int outC, int inCPerGroup, int group,
                               Activation activation, SgemmMicroKernel microKernel) {
        super(weights, bias, outC, inCPerGroup, 1, 1, group, activation, microKernel);
    }

    @Override
    public void forward(ConvShape shape, float[] in, int inOff, float[] out, int outOff, Parallel par) {
        checkShape(shape, in, inOff, out, outOff);
        if (!shape.isPointwise()) {
            throw new IllegalArgumentException("not a 1x1 stride-1 unpadded convolution: " + shape);
        }
        forwardPointwise(this, shape, in, inOff, out, outOff, par);
    }

    static void forwardPointwise(GemmConvolution conv, ConvShape shape, float[] in, int inOff, float[] out,
                                 int outOff, Parallel par) {
        int pixels = shape.inH() * shape.inW();
        PackedSgemm.multiply(conv.weights, new RowMajorPanels(in, inOff, pixels, conv.inCPerGroup * pixels),
                pixels, out, outOff, conv.activation, par, conv.microKernel);
    }
}
