package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.simd.Simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.caffe4j.kernels.Activation;
import org.junit.jupiter.api.Test;

/** Each kernel reports the bytes of weights it stores and reads per call, as `bench` compares them with memory. */
class ConvWeightBytesTest {
    @Test
    void winogradStoresAlphaSquaredMatricesOfOutputByInputChannels() {
        assertEquals(4L * 4 * 4 * 16 * 8, new Conv2dWinograd(new float[16 * 8 * 9], null, 16, 8, 3, 2,
                Activation.NONE, Simd.sgemmKernel(), Simd.winogradTransforms()).weightBytes()); // F(2,3): alpha 4
        assertEquals(4L * 6 * 6 * 16 * 8, new Conv2dWinograd(new float[16 * 8 * 9], null, 16, 8, 3, 4,
                Activation.NONE, Simd.sgemmKernel(), Simd.winogradTransforms()).weightBytes()); // F(4,3): alpha 6
        assertEquals(4L * 8 * 8 * 24 * 5, new Conv2dWinograd(new float[24 * 5 * 25], new float[24], 24, 5, 5, 4,
                Activation.RELU, Simd.sgemmKernel(), Simd.winogradTransforms()).weightBytes()); // F(4,5): alpha 8
    }

    @Test
    void spaceToDepthReportsItsRewrittenWinogradWeights() {
        // 11x11 stride 4 over 3 channels becomes 3x3 over 48 channels; F(6,3) has alpha 8.
        assertEquals(4L * 8 * 8 * 16 * 48, new Conv2dSpaceToDepth(new float[16 * 3 * 121], null, 16, 3, 11, 4, 6,
                Activation.NONE, Simd.sgemmKernel(), Simd.winogradTransforms()).weightBytes());
    }

    @Test
    void gemmKernelsReportTheirPackedPanelsPaddingIncluded() {
        assertEquals(4L * 16 * 8, new Conv2dPointwiseGemm(new float[16 * 8], null, 16, 8, 1, Activation.NONE, Simd.sgemmKernel())
                .weightBytes());
        // 12 output channels fill two panels of 8 rows.
        assertEquals(4L * 16 * 8, new Conv2dPointwiseGemm(new float[12 * 8], null, 12, 8, 1, Activation.NONE, Simd.sgemmKernel())
                .weightBytes());
        assertEquals(4L * 16 * 8 * 9, new Conv2dIm2colGemm(new float[16 * 8 * 9], null, 16, 8, 3, 3, 1,
                Activation.NONE, Simd.sgemmKernel()).weightBytes());
    }

    @Test
    void deconvolutionReportsItsTransposedPanels() {
        // As the convolution it transposes: 4 channels (its numOutput) from 8 (its input), 2x2 kernel: A is
        // (4*2*2) x 8.
        ConvShape s = new ConvShape(4, 6, 6, 8, 2, 2, 2, 2, 0, 0, 1, 1, 1);
        assertEquals(4L * 16 * 8, new Deconv2dGemmCol2im(s, new float[8 * 4 * 4], null, Simd.sgemmKernel()).weightBytes());
    }

    @Test
    void depthwiseReportsItsFilters() {
        assertEquals(4L * 8 * 9, new Conv2dDepthwise(new float[8 * 9], null, 8, 3, 3, 8, Activation.NONE, Simd.depthwiseKernel())
                .weightBytes());
    }
}
