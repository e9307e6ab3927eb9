package org.caffe4j.kernels.pool;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast pooling kernels against {@link Pool2dReference}: equal on every shape. MAX and AVE are checked for both
 * the scalar kernels and the Vector API ones that {@link Simd#maxPoolKernel()} and {@link Simd#averagePoolKernel()}
 * select (Surefire runs with the module).
 */
class Pool2dDirectTest {
    private static final MaxPoolKernel SCALAR_MAX = Pool2dDirect::max;
    private static final AveragePoolKernel SCALAR_AVERAGE = Pool2dDirect::average;
    static Stream<Arguments> shapes() {
        // planes, h, w, kh, kw, sh, sw, ph, pw, ceil
        return Stream.of(
                Arguments.of(5, 54, 54, 3, 3, 2, 2, 0, 0, true),    // NIN pool0
                Arguments.of(3, 13, 13, 3, 3, 2, 2, 0, 0, true),    // NIN pool3 (ceil adds a clipped column)
                Arguments.of(4, 6, 6, 6, 6, 1, 1, 0, 0, true),      // global average 6x6
                Arguments.of(2, 7, 9, 3, 2, 2, 3, 1, 1, true),      // padding, last window clipped by Caffe's rule
                Arguments.of(2, 8, 8, 2, 2, 2, 2, 1, 1, false),     // floor rounding with padding
                Arguments.of(3, 5, 11, 4, 3, 1, 2, 2, 1, true),     // rectangular, windows past both edges
                Arguments.of(1, 1, 1, 1, 1, 1, 1, 0, 0, true),
                Arguments.of(2, 3, 4, 3, 4, 1, 1, 0, 0, true),      // window = plane
                Arguments.of(6, 17, 15, 5, 5, 3, 3, 2, 2, true));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void maxMatchesReference(int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil) {
        checkMax(SCALAR_MAX, planes, h, w, kh, kw, sh, sw, ph, pw, ceil, false);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void vectorMaxMatchesReference(int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                   boolean ceil) {
        assertTrue(Simd.enabled(), "tests run with jdk.incubator.vector");
        checkMax(Simd.maxPoolKernel(), planes, h, w, kh, kw, sh, sw, ph, pw, ceil, false);
    }

    @Test
    void bothMaxKernelsMatchReferenceOnRandomShapesWithSpecialValues() {
        Random rnd = new Random(20261128);
        for (int i = 0; i < 300; i++) {
            int kh = 1 + rnd.nextInt(5), kw = 1 + rnd.nextInt(5);
            int h = kh + rnd.nextInt(40), w = kw + rnd.nextInt(70);
            int ph = rnd.nextInt(kh), pw = rnd.nextInt(kw);
            int sh = 1 + rnd.nextInt(3), sw = 1 + rnd.nextInt(4);
            int planes = 1 + rnd.nextInt(3);
            boolean ceil = rnd.nextBoolean();
            checkMax(Simd.maxPoolKernel(), planes, h, w, kh, kw, sh, sw, ph, pw, ceil, true);
            checkMax(SCALAR_MAX, planes, h, w, kh, kw, sh, sw, ph, pw, ceil, true);
        }
    }

    @Test
    void vectorMaxIgnoresNanAndMinusInfinityLikeCaffe() {
        // A window of NaN and -inf only gives Caffe's start value -FLT_MAX; NaN never wins over a number.
        float[] in = new float[2 * 40];
        Arrays.fill(in, Float.NaN);
        in[3] = Float.NEGATIVE_INFINITY;
        in[40 + 5] = 7;
        float[] out = new float[20];
        Simd.maxPoolKernel().max(in, 0, out, 0, 1, 2, 40, 1, 20, 2, 2, 2, 2, 0, 0);
        float[] expected = new float[20];
        Arrays.fill(expected, -Float.MAX_VALUE);
        expected[2] = 7;
        Tolerance.EXACT.assertClose(expected, out);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void averageMatchesReference(int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                 boolean ceil) {
        checkAverage(SCALAR_AVERAGE, planes, h, w, kh, kw, sh, sw, ph, pw, ceil, false);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void vectorAverageMatchesReference(int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                       boolean ceil) {
        assertTrue(Simd.enabled(), "tests run with jdk.incubator.vector");
        checkAverage(Simd.averagePoolKernel(), planes, h, w, kh, kw, sh, sw, ph, pw, ceil, false);
        // Enough planes for the across-planes path of narrow outputs, plus leftovers for the scalar one.
        checkAverage(Simd.averagePoolKernel(), 37, h, w, kh, kw, sh, sw, ph, pw, ceil, false);
    }

    /** Same sums in the same order: bit-identical, also with NaN, infinities and signed zeros in the input. */
    @Test
    void bothAverageKernelsMatchReferenceOnRandomShapesWithSpecialValues() {
        Random rnd = new Random(20261129);
        for (int i = 0; i < 300; i++) {
            int kh = 1 + rnd.nextInt(5), kw = 1 + rnd.nextInt(5);
            int h = kh + rnd.nextInt(30), w = kw + rnd.nextInt(50);
            int ph = rnd.nextInt(kh), pw = rnd.nextInt(kw);
            int sh = 1 + rnd.nextInt(3), sw = 1 + rnd.nextInt(4);
            int planes = 1 + rnd.nextInt(i % 3 == 0 ? 40 : 3);
            boolean ceil = rnd.nextBoolean();
            boolean specials = i % 2 == 0;
            checkAverage(Simd.averagePoolKernel(), planes, h, w, kh, kw, sh, sw, ph, pw, ceil, specials);
            checkAverage(SCALAR_AVERAGE, planes, h, w, kh, kw, sh, sw, ph, pw, ceil, specials);
        }
    }

    @Test
    void globalAverageOfManyPlanesMatchesReference() {
        for (int planes : new int[] {1, 15, 16, 17, 33, 1000}) {
            checkAverage(Simd.averagePoolKernel(), planes, 6, 6, 6, 6, 1, 1, 0, 0, true, true);
            checkAverage(Simd.averagePoolKernel(), planes, 5, 7, 5, 7, 1, 1, 0, 0, true, false);
        }
        // Planes too large for the vector kernel's block of LANES planes take its path along the rows.
        checkAverage(Simd.averagePoolKernel(), 17, 181, 183, 181, 183, 1, 1, 0, 0, true, true);
        checkAverage(Simd.averagePoolKernel(), 17, 181, 183, 100, 100, 90, 90, 2, 3, true, false);
    }

    @Test
    void maxIgnoresNanLikeCaffe() {
        float[] in = {Float.NaN, 1, 2, Float.NaN};
        float[] out = new float[1];
        Pool2dDirect.max(in, 0, out, 0, 1, 2, 2, 1, 1, 2, 2, 1, 1, 0, 0);
        Tolerance.EXACT.assertClose(new float[] {2}, out);
    }

    /** The signature both pooling kernels and both reference methods share. */
    @FunctionalInterface
    private interface Pooling {
        void pool(float[] in, int inOff, float[] out, int outOff, int planes, int h, int w, int oh, int ow,
                  int kh, int kw, int sh, int sw, int ph, int pw);
    }

    private static void checkMax(MaxPoolKernel kernel, int planes, int h, int w, int kh, int kw, int sh, int sw,
                                 int ph, int pw, boolean ceil, boolean specials) {
        compare("max", Pool2dReference::max, kernel::max, planes, h, w, kh, kw, sh, sw, ph, pw, ceil, specials);
    }

    private static void checkAverage(AveragePoolKernel kernel, int planes, int h, int w, int kh, int kw, int sh,
                                     int sw, int ph, int pw, boolean ceil, boolean specials) {
        compare("ave", Pool2dReference::average, kernel::average, planes, h, w, kh, kw, sh, sw, ph, pw, ceil,
                specials);
    }

    /** {@code fast} equals {@code reference} exactly and leaves the values around its output untouched. */
    private static void compare(String what, Pooling reference, Pooling fast, int planes, int h, int w, int kh,
                                int kw, int sh, int sw, int ph, int pw, boolean ceil, boolean specials) {
        int oh = Pool2dReference.outputSize(h, kh, ph, sh, ceil);
        int ow = Pool2dReference.outputSize(w, kw, pw, sw, ceil);
        float[] in = input(new Random(planes * 31L + h * 7L + w + kh * 3L + sw), 2 + planes * h * w, specials);
        float[] expected = new float[3 + planes * oh * ow];
        float[] actual = new float[3 + planes * oh * ow];
        Arrays.fill(actual, 42f);
        Arrays.fill(expected, 42f); // offsets 0..2 keep 42 in both: untouched
        reference.pool(in, 2, expected, 3, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
        fast.pool(in, 2, actual, 3, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
        Tolerance.EXACT.assertClose(what + " " + planes + "x" + h + "x" + w + " k" + kh + "x" + kw + " s" + sh + "x"
                + sw + " p" + ph + "x" + pw + (ceil ? " ceil" : " floor"), expected, actual);
    }

    /** Uniform values in [-1, 1), with one in 20 NaN, an infinity or a signed zero when {@code specials}. */
    private static float[] input(Random rnd, int n, boolean specials) {
        float[] in = new float[n];
        float[] special = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0f, -0f};
        for (int i = 0; i < in.length; i++) {
            in[i] = specials && rnd.nextInt(20) == 0 ? special[rnd.nextInt(special.length)] : rnd.nextFloat() * 2 - 1;
        }
        return in;
    }
}
