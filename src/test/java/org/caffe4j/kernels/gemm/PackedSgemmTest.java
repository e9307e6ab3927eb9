package org.caffe4j.kernels.gemm;

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

class PackedSgemmTest {
    private static final ThreadPoolParallel POOL = new ThreadPoolParallel(3);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    /** groups, m, k, n, bias, activation: sizes around the tile and slice edges (MR 8, NR 16/32, KC 256). */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, 1, 1, false, Activation.NONE),
                Arguments.of(1, 8, 16, 32, true, Activation.NONE),
                Arguments.of(1, 7, 5, 3, true, Activation.RELU),
                Arguments.of(1, 9, 33, 17, false, Activation.relu(0.1f)),
                Arguments.of(1, 17, 257, 49, true, Activation.RELU),
                Arguments.of(1, 96, 96, 300, true, Activation.RELU),
                Arguments.of(1, 40, 600, 36, true, Activation.relu(-0.5f)),
                Arguments.of(3, 13, 70, 65, true, Activation.NONE),
                Arguments.of(2, 64, 513, 16, false, Activation.RELU),
                Arguments.of(1, 260, 20, 900, true, Activation.NONE),
                Arguments.of(1, 200, 300, 36, true, Activation.RELU),          // split over A, shared B
                Arguments.of(1, 70, 4200, 20, true, Activation.RELU));         // K sliced, split over A
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void vectorKernelMatchesNaiveGemm(int groups, int m, int k, int n, boolean withBias, Activation act) {
        check(groups, m, k, n, withBias, act, Simd.sgemmKernel());
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void scalarKernelMatchesNaiveGemm(int groups, int m, int k, int n, boolean withBias, Activation act) {
        check(groups, m, k, n, withBias, act, Simd.scalarSgemmKernel());
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void vectorAndScalarKernelsAreBitIdentical(int groups, int m, int k, int n, boolean withBias, Activation act) {
        Problem p = new Problem(groups, m, k, n, withBias, 7);
        float[] vector = p.run(act, Parallel.SERIAL, Simd.sgemmKernel());
        float[] scalar = p.run(act, Parallel.SERIAL, Simd.scalarSgemmKernel());
        assertArrayEquals(scalar, vector);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void oneAndSeveralThreadsAreBitIdentical(int groups, int m, int k, int n, boolean withBias, Activation act) {
        Problem p = new Problem(groups, m, k, n, withBias, 11);
        float[] serial = p.run(act, Parallel.SERIAL, Simd.sgemmKernel());
        float[] pooled = p.run(act, POOL, Simd.sgemmKernel());
        assertArrayEquals(serial, pooled);
    }

    @Test
    void rejectsTooShortOutput() {
        Problem p = new Problem(1, 8, 8, 8, false, 1);
        assertThrows(IllegalArgumentException.class, () -> PackedSgemm.multiply(p.packed,
                new RowMajorPanels(p.b, 0, 8, 0), 8, new float[63], 0, Activation.NONE, Parallel.SERIAL));
    }

    private static void check(int groups, int m, int k, int n, boolean withBias, Activation act,
                              SgemmMicroKernel kernel) {
        Problem p = new Problem(groups, m, k, n, withBias, 3);
        float[] expected = p.naive(act);
        float[] actual = p.run(act, Parallel.SERIAL, kernel);
        Tolerance.APPROX.assertClose("C", expected, 5, actual, 5, expected.length - 5);
        // The guard bands around the output must be untouched.
        Tolerance.EXACT.assertClose("guard", new float[5], 0, actual, 0, 5);
    }

    /** Random operands; C lives at offset 5 of a larger array to catch offset mistakes. */
    private static final class Problem {
        final int groups, m, k, n;
        final float[] a, b, bias;
        final PackedWeights packed;

        Problem(int groups, int m, int k, int n, boolean withBias, long seed) {
            this.groups = groups;
            this.m = m;
            this.k = k;
            this.n = n;
            Random rnd = new Random(seed * 31 + m * 7L + k * 3L + n);
            a = random(rnd, groups * m * k);
            b = random(rnd, groups * k * n + 3);
            bias = withBias ? random(rnd, groups * m) : null;
            packed = PackedWeights.pack(a, 0, groups, m, k, bias);
        }

        float[] run(Activation act, Parallel par, SgemmMicroKernel kernel) {
            float[] c = new float[5 + groups * m * n + 5];
            // B starts at offset 3 to check the source offset; groups are stored one after another.
            float[] shifted = new float[b.length];
            System.arraycopy(b, 0, shifted, 3, b.length - 3);
            PackedSgemm.multiply(packed, new RowMajorPanels(shifted, 3, n, k * n), n, c, 5, act, par, kernel);
            return c;
        }

        float[] naive(Activation act) {
            float[] c = new float[5 + groups * m * n + 5];
            for (int g = 0; g < groups; g++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = bias == null ? 0 : bias[g * m + i];
                        for (int kk = 0; kk < k; kk++) {
                            s += (double) a[(g * m + i) * k + kk] * b[g * k * n + kk * n + j];
                        }
                        c[5 + (g * m + i) * n + j] = act.apply((float) s);
                    }
                }
            }
            return c;
        }
    }

    static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }
}
