package org.caffe4j.kernels.act;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.util.Arrays;
import java.util.Random;
import org.caffe4j.kernels.simd.Simd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API elementwise kernels against their scalar twins, bit for bit (compared as raw bits, so -0 and
 * NaN count), on lengths around the vector width, at offsets, in place and out of place, with special values.
 */
class ElementwiseKernelsTest {
    private static final ElementwiseKernels VECTOR = Simd.elementwise();
    private static final ElementwiseKernels SCALAR = ElementwiseKernels.SCALAR;
    private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, 1e-40f, -1e-40f};

    @Test
    void vectorKernelsAreInUseWhenSimdIsEnabled() {
        if (Simd.enabled()) {
            assertNotSame(SCALAR, VECTOR);
        } else {
            assertEquals(SCALAR, VECTOR);
        }
    }

    static float[] values(long seed, int n) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextInt(5) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : (rnd.nextFloat() * 2 - 1) * 10;
        }
        return x;
    }

    static void assertSameBits(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])
                    && !(Float.isNaN(expected[i]) && Float.isNaN(actual[i]))) {
                throw new AssertionError(what + ": index " + i + " expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    /** Caffe computes max(x, 0) + slope * min(x, 0): NaN propagates, -0 stays -0, negatives become +0 or slope*x. */
    @Test
    void reluFollowsCaffesFormulaOnSpecialValues() {
        float[] in = new float[40];
        for (int i = 0; i < in.length; i += 4) {
            in[i] = Float.NaN;
            in[i + 1] = -0f;
            in[i + 2] = -3f;
            in[i + 3] = 2f;
        }
        for (ElementwiseKernels k : new ElementwiseKernels[] {SCALAR, VECTOR}) {
            float[] out = new float[in.length];
            k.relu(in, 0, out, 0, in.length, 0f);
            for (int i = 0; i < in.length; i += 4) {
                assertEquals(Float.NaN, out[i]);
                assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(out[i + 1]));
                assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(out[i + 2]));
                assertEquals(2f, out[i + 3]);
            }
            k.relu(in, 0, out, 0, in.length, 0.5f);
            assertEquals(Float.NaN, out[0]);
            assertEquals(-1.5f, out[2]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 33, 100, 1027})
    void relu(int n) {
        for (float slope : new float[] {0f, 0.1f, -2f}) {
            float[] in = values(n, n + 5);
            float[] expected = new float[n + 9];
            float[] actual = new float[n + 9];
            SCALAR.relu(in, 5, expected, 9, n, slope);
            VECTOR.relu(in, 5, actual, 9, n, slope);
            assertSameBits(expected, actual, "relu slope " + slope);
            float[] inPlace = in.clone();
            VECTOR.relu(inPlace, 5, inPlace, 5, n, slope);
            assertSameBits(Arrays.copyOfRange(expected, 9, 9 + n), Arrays.copyOfRange(inPlace, 5, 5 + n),
                    "relu in place, slope " + slope);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 33, 100, 1027})
    void eltwiseSum(int n) {
        float[][] ins = {values(n, n + 3), values(n + 1, n + 3), values(n + 2, n + 3)};
        float[] coeff = {1f, -0.5f, 3f};
        // Two bottoms (ResNet's shortcuts) take their own loop; -0 * 1 + -0 * 1 must stay +0 as in the scalar sum.
        float[][] two = {ins[0].clone(), ins[1].clone()};
        two[0][3] = -0f;
        two[1][3] = -0f;
        float[] expectedTwo = new float[n + 3];
        float[] actualTwo = new float[n + 3];
        SCALAR.sum(two, new float[]{1f, 1f}, expectedTwo, 3, n);
        VECTOR.sum(two, new float[]{1f, 1f}, actualTwo, 3, n);
        assertSameBits(expectedTwo, actualTwo, "sum of two");
        SCALAR.sum(two, new float[]{0.5f, -2f}, expectedTwo, 3, n);
        VECTOR.sum(two, new float[]{0.5f, -2f}, actualTwo, 3, n);
        assertSameBits(expectedTwo, actualTwo, "sum of two with coefficients");
        float[] expected = new float[n + 3];
        float[] actual = new float[n + 3];
        SCALAR.sum(ins, coeff, expected, 3, n);
        VECTOR.sum(ins, coeff, actual, 3, n);
        assertSameBits(expected, actual, "sum");
        float[][] inPlace = {ins[0].clone(), ins[1], ins[2]};
        VECTOR.sum(inPlace, coeff, inPlace[0], 3, n);
        assertSameBits(Arrays.copyOfRange(expected, 3, 3 + n), Arrays.copyOfRange(inPlace[0], 3, 3 + n),
                "sum in place");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 33, 100, 1027})
    void eltwiseProdAndMax(int n) {
        for (int bottoms = 2; bottoms <= 4; bottoms++) {
            float[][] ins = new float[bottoms][];
            for (int b = 0; b < bottoms; b++) {
                ins[b] = values(n + 10L * b, n + 3);
            }
            ins[1][3] = ins[0][3]; // a tie, where Caffe's MAX takes a1
            float[] expected = new float[n + 3];
            float[] actual = new float[n + 3];
            SCALAR.prod(ins, expected, 3, n);
            VECTOR.prod(ins, actual, 3, n);
            assertSameBits(expected, actual, "prod of " + bottoms);
            SCALAR.max(ins, expected, 3, n);
            VECTOR.max(ins, actual, 3, n);
            assertSameBits(expected, actual, "max of " + bottoms);
            float[][] inPlace = ins.clone();
            inPlace[0] = ins[0].clone();
            VECTOR.max(inPlace, inPlace[0], 3, n);
            assertSameBits(Arrays.copyOfRange(expected, 3, 3 + n), Arrays.copyOfRange(inPlace[0], 3, 3 + n),
                    "max in place");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 33, 100, 1027})
    void prelu(int n) {
        for (float slope : new float[] {0f, 0.25f, -1.5f, -0f}) {
            float[] in = values(n + 7, n + 2);
            float[] expected = new float[n + 2];
            float[] actual = new float[n + 2];
            SCALAR.prelu(in, expected, 2, n, slope);
            VECTOR.prelu(in, actual, 2, n, slope);
            assertSameBits(expected, actual, "prelu slope " + slope);
            VECTOR.prelu(in, in, 2, n, slope);
            assertSameBits(Arrays.copyOfRange(expected, 2, 2 + n), Arrays.copyOfRange(in, 2, 2 + n),
                    "prelu in place, slope " + slope);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 33, 100, 1027})
    void normalize(int n) {
        float[] in = values(n, n + 4);
        float[] expected = in.clone();
        float[] actual = in.clone();
        SCALAR.normalize(in, expected, 4, n, 0.3f, 1.7f);
        VECTOR.normalize(in, actual, 4, n, 0.3f, 1.7f);
        assertSameBits(expected, actual, "normalize");
        VECTOR.normalize(actual, actual, 0, n, -2f, 0f); // in place, division by zero
        SCALAR.normalize(expected, expected, 0, n, -2f, 0f);
        assertSameBits(expected, actual, "normalize in place");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 16, 33, 100, 1027})
    void scaleBias(int n) {
        boolean[][] flags = {{true, true}, {true, false}, {false, true}, {false, false}};
        for (boolean[] f : flags) {
            float[] in = values(n, n + 2);
            float[] expected = new float[n + 2];
            float[] actual = new float[n + 2];
            SCALAR.scaleBias(in, expected, 2, n, -1.25f, f[0], 0.75f, f[1]);
            VECTOR.scaleBias(in, actual, 2, n, -1.25f, f[0], 0.75f, f[1]);
            assertSameBits(expected, actual, "scaleBias " + Arrays.toString(f));
        }
    }
}
