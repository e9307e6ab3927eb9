package org.caffe4j.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.stream.Stream;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The GEMM convolutions against {@link Conv2dReference} on seeded random shapes. */
class Conv2dGemmTest {
    private static final ThreadPoolParallel POOL = new ThreadPoolParallel(2);
    private static final int GUARD = 3;

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                // inC, inH, inW, outC, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, group
                Arguments.of(new ConvShape(3, 23, 23, 10, 11, 11, 4, 4, 0, 0, 1, 1, 1)),   // conv1-like, small
                Arguments.of(new ConvShape(9, 13, 13, 17, 5, 5, 1, 1, 2, 2, 1, 1, 1)),     // conv2-like, odd sizes
                Arguments.of(new ConvShape(16, 7, 7, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1)),      // conv3/4-like
                Arguments.of(new ConvShape(5, 6, 9, 9, 3, 2, 2, 3, 1, 0, 1, 1, 1)),        // rectangular, mixed stride
                Arguments.of(new ConvShape(3, 19, 21, 8, 7, 7, 2, 2, 3, 3, 1, 1, 1)),      // ResNet conv1-like, pad > stride
                Arguments.of(new ConvShape(2, 9, 3, 4, 3, 3, 4, 4, 2, 2, 1, 1, 1)),        // stride wider than the row
                // Stride 2 on rows of several vectors, split into column phases with permutes: odd and even widths,
                // no, even and odd padding (SqueezeNet's conv1, a padded 3x3, GoogLeNet's and ResNet's 7x7 conv1).
                Arguments.of(new ConvShape(3, 7, 71, 6, 3, 3, 2, 2, 0, 0, 1, 1, 1)),
                Arguments.of(new ConvShape(2, 6, 67, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1)),
                Arguments.of(new ConvShape(2, 9, 80, 5, 7, 7, 2, 2, 3, 3, 1, 1, 1)),
                Arguments.of(new ConvShape(4, 11, 10, 7, 3, 3, 1, 1, 2, 2, 2, 2, 1)),      // dilation
                Arguments.of(new ConvShape(6, 9, 9, 12, 3, 3, 2, 2, 1, 1, 1, 1, 3)),       // groups
                Arguments.of(new ConvShape(8, 10, 10, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8)),      // depthwise
                Arguments.of(new ConvShape(12, 5, 5, 20, 1, 1, 1, 1, 0, 0, 1, 1, 1)),      // pointwise, N < half tile
                Arguments.of(new ConvShape(40, 9, 9, 33, 1, 1, 1, 1, 0, 0, 1, 1, 1)),      // pointwise, edges
                Arguments.of(new ConvShape(300, 6, 6, 24, 1, 1, 1, 1, 0, 0, 1, 1, 2)),     // pointwise, K sliced, groups
                Arguments.of(new ConvShape(6, 8, 8, 5, 1, 1, 2, 2, 1, 1, 1, 1, 1)),        // 1x1 strided + padded
                Arguments.of(new ConvShape(24, 15, 15, 20, 1, 1, 2, 2, 0, 0, 1, 1, 1)),    // 1x1 stride 2 (subsampled)
                Arguments.of(new ConvShape(12, 9, 14, 16, 1, 1, 3, 2, 0, 0, 1, 1, 2)),     // 1x1, mixed stride, groups
                Arguments.of(new ConvShape(40, 6, 6, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1)),      // K = 360 > one slice
                Arguments.of(new ConvShape(2, 3, 3, 3, 5, 5, 1, 1, 2, 2, 1, 1, 1)),        // kernel wider than input
                Arguments.of(new ConvShape(3, 40, 37, 8, 3, 3, 1, 1, 0, 0, 1, 1, 1)),      // many tiles
                Arguments.of(new ConvShape(64, 6, 6, 96, 3, 3, 1, 1, 1, 1, 1, 1, 1)),      // conv4-like: split over A
                Arguments.of(new ConvShape(16, 5, 7, 72, 3, 3, 1, 1, 1, 1, 1, 1, 2)));     // split over A, groups
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void im2colMatchesReference(ConvShape s) {
        Case c = new Case(s, 1);
        for (Activation act : new Activation[] {Activation.NONE, Activation.RELU, Activation.relu(0.25f)}) {
            Conv2dKernel kernel = new Conv2dIm2colGemm(c.w, c.bias, s.outC(), s.inCPerGroup(), s.kH(), s.kW(),
                    s.group(), act, Simd.sgemmKernel());
            c.check(kernel, act, Parallel.SERIAL);
        }
        // No bias at all.
        Conv2dKernel plain = new Conv2dIm2colGemm(c.w, null, s.outC(), s.inCPerGroup(), s.kH(), s.kW(), s.group(),
                Activation.NONE, Simd.sgemmKernel());
        float[] expected = c.expected(null, Activation.NONE);
        Tolerance.APPROX.assertClose("no bias", expected, c.run(plain, Parallel.SERIAL));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void scalarPathMatchesReferenceAndVectorPath(ConvShape s) {
        Case c = new Case(s, 4);
        Activation act = Activation.relu(0.5f);
        Conv2dKernel scalar = new Conv2dIm2colGemm(c.w, c.bias, s.outC(), s.inCPerGroup(), s.kH(), s.kW(),
                s.group(), act, Simd.scalarSgemmKernel());
        Conv2dKernel vector = new Conv2dIm2colGemm(c.w, c.bias, s.outC(), s.inCPerGroup(), s.kH(), s.kW(),
                s.group(), act, Simd.sgemmKernel());
        float[] scalarOut = c.run(scalar, Parallel.SERIAL);
        Tolerance.APPROX.assertClose(s + " scalar", c.expected(c.bias, act), scalarOut);
        // Same float operations per output in both micro-kernels.
        Tolerance.EXACT.assertClose(s + " scalar vs vector", scalarOut, c.run(vector, Parallel.SERIAL));
        if (s.isPointwise()) {
            Conv2dKernel pointwise = new Conv2dPointwiseGemm(c.w, c.bias, s.outC(), s.inCPerGroup(), s.group(), act,
                    Simd.scalarSgemmKernel());
            Tolerance.EXACT.assertClose(s + " scalar pointwise", scalarOut, c.run(pointwise, Parallel.SERIAL));
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void pointwiseMatchesReference(ConvShape s) {
        if (!s.isPointwise()) {
            return;
        }
        Case c = new Case(s, 2);
        Conv2dKernel kernel = new Conv2dPointwiseGemm(c.w, c.bias, s.outC(), s.inCPerGroup(), s.group(),
                Activation.RELU, Simd.sgemmKernel());
        c.check(kernel, Activation.RELU, Parallel.SERIAL);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void twoThreadsBitIdenticalToOne(ConvShape s) {
        Case c = new Case(s, 3);
        Conv2dKernel kernel = new Conv2dIm2colGemm(c.w, c.bias, s.outC(), s.inCPerGroup(), s.kH(), s.kW(),
                s.group(), Activation.RELU, Simd.sgemmKernel());
        assertArrayEquals(c.run(kernel, Parallel.SERIAL), c.run(kernel, POOL));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void batchEqualsImageByImage(ConvShape s) {
        int batch = 3;
        Random rnd = new Random(s.hashCode());
        float[] in = random(rnd, GUARD + batch * s.inSize());
        float[] w = random(rnd, s.weightSize());
        float[] bias = random(rnd, s.outC());
        Conv2dKernel kernel = new Conv2dIm2colGemm(w, bias, s.outC(), s.inCPerGroup(), s.kH(), s.kW(), s.group(),
                Activation.RELU, Simd.sgemmKernel());
        float[] oneByOne = new float[GUARD + batch * s.outSize()];
        for (int i = 0; i < batch; i++) {
            kernel.forward(s, in, GUARD + i * s.inSize(), oneByOne, GUARD + i * s.outSize(), Parallel.SERIAL);
        }
        float[] together = new float[GUARD + batch * s.outSize()];
        kernel.forward(s, batch, in, GUARD, together, GUARD, Parallel.SERIAL);
        Tolerance.EXACT.assertClose(s + " batch of 3", oneByOne, together);
        float[] pooled = new float[GUARD + batch * s.outSize()];
        kernel.forward(s, batch, in, GUARD, pooled, GUARD, POOL);
        Tolerance.EXACT.assertClose(s + " batch of 3, 2 threads", oneByOne, pooled);
        // And the first image against the reference, so a consistently wrong batch path cannot pass.
        float[] expected = new float[s.outSize()];
        Conv2dReference.forward(s, in, GUARD, w, bias, expected, 0);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = Activation.RELU.apply(expected[i]);
        }
        Tolerance.APPROX.assertClose(s + " batch image 0", expected, 0, together, GUARD, s.outSize());
    }

    @Test
    void largeBatchIsSplitIntoSeveralGemmsWithTheSameResult() {
        // 200 pixels per image: 5 images per GEMM, so 12 images take three GEMMs, the last with 2 images.
        ConvShape s = new ConvShape(4, 10, 20, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        int batch = 12;
        Random rnd = new Random(9);
        float[] in = random(rnd, batch * s.inSize());
        float[] w = random(rnd, s.weightSize());
        Conv2dKernel kernel = new Conv2dIm2colGemm(w, null, s.outC(), s.inCPerGroup(), 3, 3, 1, Activation.NONE, Simd.sgemmKernel());
        float[] oneByOne = new float[batch * s.outSize()];
        for (int i = 0; i < batch; i++) {
            kernel.forward(s, in, i * s.inSize(), oneByOne, i * s.outSize(), Parallel.SERIAL);
        }
        float[] together = new float[batch * s.outSize()];
        kernel.forward(s, batch, in, 0, together, 0, POOL);
        Tolerance.EXACT.assertClose("12 images", oneByOne, together);
    }

    /**
     * A pointwise batch of large maps (run image by image, each GEMM packing whole tiles row by row): same bits as
     * single images, at offsets, on two threads, and arrays too short for the batch are refused.
     */
    @Test
    void largePointwiseBatchGivesTheSameResultAsSingleImages() {
        ConvShape s = new ConvShape(8, 300, 300, 8, 1, 1, 1, 1, 0, 0, 1, 1, 1);
        int batch = 3;
        Random rnd = new Random(17);
        float[] in = random(rnd, GUARD + batch * s.inSize());
        float[] w = random(rnd, s.weightSize());
        float[] bias = random(rnd, s.outC());
        Conv2dKernel kernel = new Conv2dPointwiseGemm(w, bias, s.outC(), s.inCPerGroup(), 1, Activation.RELU, Simd.sgemmKernel());
        float[] oneByOne = new float[GUARD + batch * s.outSize()];
        for (int i = 0; i < batch; i++) {
            kernel.forward(s, in, GUARD + i * s.inSize(), oneByOne, GUARD + i * s.outSize(), Parallel.SERIAL);
        }
        float[] together = new float[GUARD + batch * s.outSize()];
        kernel.forward(s, batch, in, GUARD, together, GUARD, POOL);
        Tolerance.EXACT.assertClose("batch of 3", oneByOne, together);
        float[] expected = new float[s.outSize()];
        Conv2dReference.forward(s, in, GUARD + 2 * s.inSize(), w, bias, expected, 0);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = Activation.RELU.apply(expected[i]);
        }
        Tolerance.APPROX.assertClose("batch image 2", expected, 0, together, GUARD + 2 * s.outSize(),
                s.outSize());
        assertThrows(IllegalArgumentException.class, () -> kernel.forward(s, batch, in, GUARD + 1, together, GUARD,
                POOL));
    }

    @Test
    void pointwiseRejectsStridedShape() {
        Conv2dKernel kernel = new Conv2dPointwiseGemm(new float[4], null, 2, 2, 1, Activation.NONE, Simd.sgemmKernel());
        ConvShape strided = new ConvShape(2, 4, 4, 2, 1, 1, 2, 2, 0, 0, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> kernel.forward(strided, new float[32], 0,
                new float[8], 0, Parallel.SERIAL));
    }

    @Test
    void rejectsShapeThatDoesNotMatchWeights() {
        Conv2dKernel kernel = new Conv2dIm2colGemm(new float[2 * 2 * 9], null, 2, 2, 3, 3, 1, Activation.NONE, Simd.sgemmKernel());
        ConvShape otherChannels = new ConvShape(3, 5, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> kernel.forward(otherChannels, new float[75], 0,
                new float[50], 0, Parallel.SERIAL));
    }

    @Test
    void rejectsWrongWeightCount() {
        assertThrows(IllegalArgumentException.class,
                () -> new Conv2dIm2colGemm(new float[17], null, 2, 1, 3, 3, 1, Activation.NONE, Simd.sgemmKernel()));
    }

    /** One random problem; input and output sit at an offset inside guard bands that must stay untouched. */
    static final class Case {
        final ConvShape s;
        final float[] in, w, bias;

        Case(ConvShape s, long seed) {
            this.s = s;
            Random rnd = new Random(seed * 1_000_003L + s.hashCode());
            in = random(rnd, GUARD + s.inSize() + GUARD);
            w = random(rnd, s.weightSize());
            bias = random(rnd, s.outC());
        }

        float[] expected(float[] b, Activation act) {
            float[] out = new float[s.outSize()];
            Conv2dReference.forward(s, in, GUARD, w, b, out, 0);
            for (int i = 0; i < out.length; i++) {
                out[i] = act.apply(out[i]);
            }
            return out;
        }

        float[] run(Conv2dKernel kernel, Parallel par) {
            float[] out = new float[GUARD + s.outSize() + GUARD];
            java.util.Arrays.fill(out, Float.NaN); // every output must be written
            kernel.forward(s, in, GUARD, out, GUARD, par);
            Tolerance.EXACT.assertClose("guard before", new float[] {Float.NaN, Float.NaN, Float.NaN}, 0, out, 0,
                    GUARD);
            Tolerance.EXACT.assertClose("guard after", new float[] {Float.NaN, Float.NaN, Float.NaN}, 0, out,
                    GUARD + s.outSize(), GUARD);
            return java.util.Arrays.copyOfRange(out, GUARD, GUARD + s.outSize());
        }

        void check(Conv2dKernel kernel, Activation act, Parallel par) {
            check(kernel, act, par, Tolerance.APPROX);
        }

        void check(Conv2dKernel kernel, Activation act, Parallel par, Tolerance tolerance) {
            tolerance.assertClose(s + " " + act, expected(bias, act), run(kernel, par));
        }
    }

    /** Runs {@code batch} images one by one on one thread, then together on {@code par}: same bits required. */
    static void assertBatchEqualsSingleImages(Conv2dKernel kernel, ConvShape s, float[] in, int batch, Parallel par) {
        float[] oneByOne = new float[batch * s.outSize()];
        for (int i = 0; i < batch; i++) {
            kernel.forward(s, in, i * s.inSize(), oneByOne, i * s.outSize(), Parallel.SERIAL);
        }
        float[] together = new float[batch * s.outSize()];
        kernel.forward(s, batch, in, 0, together, 0, par);
        assertArrayEquals(oneByOne, together, s + ": batch of " + batch + " vs single images");
    }

    static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }
}
