package org.caffe4j.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
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

/**
 * {@link Conv2dDepthwise} against {@link Conv2dReference} (APPROX: float fma against a double sum), its vector and
 * scalar row kernels against each other and 1 against 2 threads (both EXACT), on fixed and seeded random shapes
 * with batch > 1, at offsets inside guard bands that must stay untouched.
 */
class Conv2dDepthwiseTest {
    private static final ThreadPoolParallel POOL = new ThreadPoolParallel(2);
    private static final int GUARD = 3;
    private static final Activation[] ACTIVATIONS = {Activation.NONE, Activation.RELU, Activation.relu(0.25f)};

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                // inC, inH, inW, outC, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, group
                Arguments.of(new ConvShape(8, 10, 10, 8, 3, 3, 1, 1, 1, 1, 1, 1, 8)),      // MobileNet 3x3
                Arguments.of(new ConvShape(6, 27, 31, 6, 3, 3, 2, 2, 1, 1, 1, 1, 6)),      // stride 2, odd sizes
                Arguments.of(new ConvShape(5, 19, 40, 5, 5, 5, 1, 1, 2, 2, 1, 1, 5)),      // 5x5, rows > 2 vectors
                Arguments.of(new ConvShape(4, 17, 23, 4, 3, 3, 1, 1, 2, 2, 2, 2, 4)),      // dilation 2
                Arguments.of(new ConvShape(3, 13, 50, 6, 3, 5, 2, 3, 1, 2, 2, 1, 3)),      // multiplier 2, mixed
                Arguments.of(new ConvShape(7, 3, 4, 7, 5, 5, 1, 1, 2, 2, 1, 1, 7)),        // kernel wider than input
                Arguments.of(new ConvShape(2, 9, 9, 2, 1, 1, 1, 1, 0, 0, 1, 1, 2)),        // 1x1
                Arguments.of(new ConvShape(1, 11, 37, 3, 3, 3, 1, 2, 0, 1, 1, 1, 1)),      // one group, inC 1
                // MobileNet v2's narrow maps, rows narrower than a vector: run as one run across rows
                Arguments.of(new ConvShape(9, 14, 14, 9, 3, 3, 1, 1, 1, 1, 1, 1, 9)),
                Arguments.of(new ConvShape(9, 7, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 9)),
                Arguments.of(new ConvShape(9, 14, 14, 9, 3, 3, 2, 2, 1, 1, 1, 1, 9)),
                Arguments.of(new ConvShape(9, 28, 28, 9, 3, 3, 2, 2, 1, 1, 1, 1, 9)),
                Arguments.of(new ConvShape(5, 3, 3, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5)));       // a run shorter than a vector
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void matchesReferenceAndScalarTwinOnEveryThreadCount(ConvShape s) {
        check(s, 3, s.hashCode());
    }

    @Test
    void randomShapesMatchReference() {
        Random rnd = new Random(20261130);
        for (int i = 0; i < 60; i++) {
            int kH = 1 + rnd.nextInt(5), kW = 1 + rnd.nextInt(5);
            int dH = 1 + rnd.nextInt(2), dW = 1 + rnd.nextInt(2);
            int pH = rnd.nextInt(kH), pW = rnd.nextInt(kW);
            int inH = Math.max(1, dH * (kH - 1) + 1 - 2 * pH) + rnd.nextInt(20);
            int inW = Math.max(1, dW * (kW - 1) + 1 - 2 * pW) + rnd.nextInt(45);
            int group = 1 + rnd.nextInt(6);
            int multiplier = 1 + rnd.nextInt(2);
            ConvShape s = new ConvShape(group, inH, inW, group * multiplier, kH, kW, 1 + rnd.nextInt(3),
                    1 + rnd.nextInt(3), pH, pW, dH, dW, group);
            check(s, 1 + rnd.nextInt(3), i);
        }
    }

    @Test
    void rejectsShapesWithSeveralInputChannelsPerGroup() {
        Conv2dDepthwise kernel = new Conv2dDepthwise(new float[4 * 9], null, 4, 3, 3, 2, Activation.NONE, Simd.depthwiseKernel());
        ConvShape grouped = new ConvShape(4, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> kernel.forward(grouped, new float[100], 0,
                new float[100], 0, Parallel.SERIAL));
        assertThrows(IllegalArgumentException.class,
                () -> new Conv2dDepthwise(new float[17], null, 2, 3, 3, 2, Activation.NONE, Simd.depthwiseKernel()));
    }

    private static void check(ConvShape s, int batch, long seed) {
        Random rnd = new Random(seed);
        float[] in = random(rnd, GUARD + batch * s.inSize() + GUARD);
        float[] w = random(rnd, s.weightSize());
        float[] bias = rnd.nextBoolean() ? random(rnd, s.outC()) : null;
        for (Activation act : ACTIVATIONS) {
            Conv2dDepthwise vector = new Conv2dDepthwise(w, bias, s.outC(), s.kH(), s.kW(), s.group(), act,
                    Simd.depthwiseKernel());
            Conv2dDepthwise scalar = new Conv2dDepthwise(w, bias, s.outC(), s.kH(), s.kW(), s.group(), act,
                    Simd.scalarDepthwiseKernel());
            float[] serial = run(vector, s, batch, in, Parallel.SERIAL);
            String what = s + " batch " + batch + " " + act;
            Tolerance.EXACT.assertClose(what + ": 2 threads vs 1", serial, run(vector, s, batch, in, POOL));
            Tolerance.EXACT.assertClose(what + ": scalar vs vector", serial, run(scalar, s, batch, in, POOL));
            for (int i = 0; i < batch; i++) {
                float[] expected = new float[s.outSize()];
                Conv2dReference.forward(s, in, GUARD + i * s.inSize(), w, bias, expected, 0);
                for (int j = 0; j < expected.length; j++) {
                    expected[j] = act.apply(expected[j]);
                }
                Tolerance.APPROX.assertClose(what + ": image " + i, expected, 0, serial, GUARD + i * s.outSize(),
                        s.outSize());
            }
        }
    }

    private static float[] run(Conv2dKernel kernel, ConvShape s, int batch, float[] in, Parallel par) {
        float[] out = new float[GUARD + batch * s.outSize() + GUARD];
        Arrays.fill(out, Float.NaN);
        kernel.forward(s, batch, in, GUARD, out, GUARD, par);
        for (int i = 0; i < GUARD; i++) {
            if (!Float.isNaN(out[i]) || !Float.isNaN(out[out.length - 1 - i])) {
                throw new AssertionError(s + ": wrote outside its output");
            }
        }
        return out;
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }
}
