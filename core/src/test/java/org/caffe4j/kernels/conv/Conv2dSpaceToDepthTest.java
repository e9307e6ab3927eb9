package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.simd.Simd;

import static org.caffe4j.kernels.conv.Conv2dGemmTest.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Strided convolution rewritten to stride 1 (then Winograd) against {@link Conv2dReference}. */
class Conv2dSpaceToDepthTest {
    private static final ThreadPoolParallel POOL = new ThreadPoolParallel(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                // inC, inH, inW, outC, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, group; m
                Arguments.of(new ConvShape(3, 47, 47, 10, 11, 11, 4, 4, 0, 0, 1, 1, 1), 4),   // conv1-like
                Arguments.of(new ConvShape(3, 50, 45, 10, 11, 11, 4, 4, 0, 0, 1, 1, 1), 2),   // rest rows/columns unused
                Arguments.of(new ConvShape(4, 17, 19, 9, 5, 5, 2, 2, 2, 1, 1, 1, 1), 2),      // pads differ, k = 5 -> 3
                Arguments.of(new ConvShape(2, 16, 16, 7, 6, 6, 3, 3, 1, 1, 1, 1, 1), 4),      // k = 6 -> 2, F(4,2)
                Arguments.of(new ConvShape(5, 12, 13, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1), 2),      // ResNet-like 3x3 s2
                Arguments.of(new ConvShape(3, 9, 9, 4, 9, 9, 3, 3, 0, 0, 1, 1, 1), 2));       // one output pixel
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void matchesReference(ConvShape s, int m) {
        Conv2dGemmTest.Case c = new Conv2dGemmTest.Case(s, 7);
        for (Activation act : new Activation[] {Activation.NONE, Activation.RELU, Activation.relu(0.1f)}) {
            Conv2dKernel kernel = new Conv2dSpaceToDepth(c.w, c.bias, s.outC(), s.inC(), s.kH(), s.strideH(), m, act, Simd.sgemmKernel(), Simd.winogradTransforms());
            c.check(kernel, act, Parallel.SERIAL, Tolerance.SCALED);
            c.check(kernel, act, POOL, Tolerance.SCALED);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void batchOnTwoThreadsBitIdenticalToSingleImages(ConvShape s, int m) {
        int batch = 3;
        Random rnd = new Random(s.hashCode());
        float[] in = random(rnd, batch * s.inSize());
        float[] w = random(rnd, s.weightSize());
        Conv2dKernel kernel = new Conv2dSpaceToDepth(w, null, s.outC(), s.inC(), s.kH(), s.strideH(), m,
                Activation.RELU, Simd.sgemmKernel(), Simd.winogradTransforms());
        Conv2dGemmTest.assertBatchEqualsSingleImages(kernel, s, in, batch, POOL);
    }

    @Test
    void rewritesToAStrideOneConvolutionWithTheSameOutput() {
        ConvShape conv1 = new ConvShape(3, 224, 224, 96, 11, 11, 4, 4, 0, 0, 1, 1, 1);
        ConvShape r = Conv2dSpaceToDepth.rewritten(conv1);
        assertEquals(new ConvShape(48, 56, 56, 96, 3, 3, 1, 1, 0, 0, 1, 1, 1), r);
        assertEquals(conv1.outH(), r.outH());
        assertEquals(conv1.outW(), r.outW());
        assertTrue(Conv2dSpaceToDepth.supports(conv1));
        assertFalse(Conv2dSpaceToDepth.supports(new ConvShape(3, 20, 20, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1)));
        assertFalse(Conv2dSpaceToDepth.supports(new ConvShape(4, 20, 20, 4, 3, 3, 2, 2, 1, 1, 1, 1, 2)));
        assertFalse(Conv2dSpaceToDepth.supports(new ConvShape(4, 20, 20, 4, 1, 1, 2, 2, 0, 0, 1, 1, 1)));
        Conv2dKernel kernel = new Conv2dSpaceToDepth(new float[4 * 3 * 9], null, 4, 3, 3, 2, 2, Activation.NONE, Simd.sgemmKernel(), Simd.winogradTransforms());
        assertThrows(IllegalArgumentException.class, () -> kernel.forward(
                new ConvShape(3, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1), new float[192], 0, new float[256], 0,
                Parallel.SERIAL));
    }
}
