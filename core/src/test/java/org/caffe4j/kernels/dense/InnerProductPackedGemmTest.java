package org.caffe4j.kernels.dense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.gemm.GemvMicroKernel;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The packed InnerProduct kernel (GEMV and SGEMM paths, vector and scalar) against InnerProductReference. */
class InnerProductPackedGemmTest {
    private static final ThreadPoolParallel POOL = new ThreadPoolParallel(2);
    private static final Activation[] ACTIVATIONS = {Activation.NONE, Activation.RELU, Activation.relu(0.1f)};

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    /** Seeded random layers: batch M, odd and even K/N around the 8-row panel, transpose, bias, activation. */
    static Stream<Arguments> layers() {
        List<Arguments> cases = new ArrayList<>();
        int[] batches = {1, 3, 8, 13, 37};
        for (int seed = 0; seed < 20; seed++) {
            Random rnd = new Random(seed);
            int m = batches[seed % batches.length];
            int k = 1 + rnd.nextInt(seed < 10 ? 40 : 700);
            int n = 1 + rnd.nextInt(seed < 10 ? 30 : 130);
            cases.add(Arguments.of(new Layer(m, k, n, rnd.nextBoolean(), seed % 3 != 2,
                    ACTIVATIONS[rnd.nextInt(ACTIVATIONS.length)], seed)));
        }
        cases.add(Arguments.of(new Layer(1, 9216, 40, false, true, Activation.RELU, 100))); // fc6-deep, few rows
        cases.add(Arguments.of(new Layer(8, 4097, 17, true, true, Activation.NONE, 101)));
        cases.add(Arguments.of(new Layer(2, 8300, 45, false, false, Activation.relu(0.1f), 102))); // 3 K slices
        cases.add(Arguments.of(new Layer(6, 300, 77, false, true, Activation.RELU, 103)));
        // Enough panels for several groups a task, the last panel partly padding.
        cases.add(Arguments.of(new Layer(1, 300, 2100, false, true, Activation.RELU, 104)));
        cases.add(Arguments.of(new Layer(3, 200, 4500, true, true, Activation.NONE, 105)));
        // One row with ReLU zeros on row blocks: three K slices, several tasks of three blocks, a partial last block.
        cases.add(Arguments.of(new Layer(1, 9216, 1500, false, true, Activation.RELU, 107)));
        cases.add(Arguments.of(new Layer(1, 8300, 700, true, false, Activation.relu(0.1f), 109)));
        return cases.stream();
    }

    record Layer(int m, int k, int n, boolean transpose, boolean bias, Activation act, long seed) {
        /** Odd seeds give a ReLU's output: the negative half zero (some -0), the k the GEMV skips. */
        float[] input() {
            float[] x = random(new Random(seed * 31 + 1), m * k);
            if (seed % 2 == 1) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = x[i] > 0 ? x[i] : i % 5 == 0 ? -0f : 0f;
                }
            }
            return x;
        }

        float[] weights() {
            return random(new Random(seed * 31 + 2), n * k);
        }

        float[] biasValues() {
            return bias ? random(new Random(seed * 31 + 3), n) : null;
        }

        InnerProductPackedGemm kernel(int gemvMaxRows, SgemmMicroKernel sgemm, GemvMicroKernel gemv) {
            return new InnerProductPackedGemm(weights(), biasValues(), n, k, transpose, act, m, gemvMaxRows, sgemm,
                    gemv);
        }

        float[] reference() {
            float[] out = new float[m * n];
            InnerProductReference.forward(input(), weights(), biasValues(), out, m, n, k, transpose);
            for (int i = 0; i < out.length; i++) {
                out[i] = act.apply(out[i]);
            }
            return out;
        }

        /** Runs with the input and output at offsets inside longer, dirty arrays; returns the output values. */
        float[] run(InnerProductPackedGemm kernel, Parallel par) {
            float[] in = new float[m * k + 5];
            System.arraycopy(input(), 0, in, 3, m * k);
            float[] out = new float[m * n + 9];
            Arrays.fill(out, Float.NaN);
            kernel.forward(in, 3, m, out, 4, par);
            return Arrays.copyOfRange(out, 4, 4 + m * n);
        }
    }

    @ParameterizedTest
    @MethodSource("layers")
    void defaultPathMatchesReference(Layer l) {
        InnerProductPackedGemm fast = new InnerProductPackedGemm(l.weights(), l.biasValues(), l.n(), l.k(),
                l.transpose(), l.act(), l.m(), Simd.sgemmKernel(), Simd.gemvKernel());
        Tolerance.APPROX.assertClose("fast vs reference", l.reference(), l.run(fast, POOL));
    }

    @ParameterizedTest
    @MethodSource("layers")
    void gemvPathMatchesReference(Layer l) {
        for (GemvMicroKernel gemv : List.of(Simd.gemvKernel(), Simd.scalarGemvKernel())) {
            InnerProductPackedGemm fast = l.kernel(Integer.MAX_VALUE, Simd.sgemmKernel(), gemv);
            Tolerance.APPROX.assertClose("GEMV " + gemv.getClass().getSimpleName(), l.reference(), l.run(fast, POOL));
        }
    }

    @ParameterizedTest
    @MethodSource("layers")
    void sgemmPathMatchesReference(Layer l) {
        for (SgemmMicroKernel sgemm : List.of(Simd.sgemmKernel(), Simd.scalarSgemmKernel())) {
            InnerProductPackedGemm fast = l.kernel(0, sgemm, Simd.gemvKernel());
            Tolerance.APPROX.assertClose("SGEMM " + sgemm.getClass().getSimpleName(), l.reference(),
                    l.run(fast, POOL));
        }
    }

    @ParameterizedTest
    @MethodSource("layers")
    void vectorAndScalarGemvAreBitIdentical(Layer l) {
        float[] vector = l.run(l.kernel(Integer.MAX_VALUE, Simd.sgemmKernel(), Simd.gemvKernel()), Parallel.SERIAL);
        float[] scalar = l.run(l.kernel(Integer.MAX_VALUE, Simd.sgemmKernel(), Simd.scalarGemvKernel()),
                Parallel.SERIAL);
        assertArrayEquals(scalar, vector);
    }

    @ParameterizedTest
    @MethodSource("layers")
    void gemvAndSgemmPathsAreBitIdentical(Layer l) {
        // The kernel switches paths by batch size, so a row must not notice which one ran it (K > 4096 included,
        // where both sum over the same K slices).
        float[] sgemm = l.run(l.kernel(0, Simd.scalarSgemmKernel(), Simd.gemvKernel()), POOL);
        for (GemvMicroKernel gemv : List.of(Simd.gemvKernel(), Simd.scalarGemvKernel())) {
            assertArrayEquals(sgemm, l.run(l.kernel(Integer.MAX_VALUE, Simd.sgemmKernel(), gemv), POOL),
                    gemv.getClass().getSimpleName());
        }
        assertArrayEquals(sgemm, l.run(l.kernel(0, Simd.sgemmKernel(), Simd.gemvKernel()), POOL), "vector SGEMM");
    }

    @ParameterizedTest
    @MethodSource("layers")
    void oneAndTwoThreadsAreBitIdentical(Layer l) {
        for (int gemvMaxRows : new int[] {0, Integer.MAX_VALUE}) {
            InnerProductPackedGemm fast = l.kernel(gemvMaxRows, Simd.sgemmKernel(), Simd.gemvKernel());
            assertArrayEquals(l.run(fast, Parallel.SERIAL), l.run(fast, POOL), "gemvMaxRows=" + gemvMaxRows);
        }
    }

    @ParameterizedTest
    @MethodSource("layers")
    void gemvRowDoesNotDependOnTheOtherRows(Layer l) {
        // Each row alone must give the very bits it gets inside the batch (4-row blocks vs single rows).
        InnerProductPackedGemm fast = l.kernel(Integer.MAX_VALUE, Simd.sgemmKernel(), Simd.gemvKernel());
        float[] batch = l.run(fast, POOL);
        float[] in = l.input();
        for (int row = 0; row < l.m(); row++) {
            float[] one = new float[l.n()];
            fast.forward(Arrays.copyOfRange(in, row * l.k(), (row + 1) * l.k()), 0, 1, one, 0, POOL);
            assertArrayEquals(Arrays.copyOfRange(batch, row * l.n(), (row + 1) * l.n()), one, "row " + row);
        }
    }

    @ParameterizedTest
    @MethodSource("layers")
    void eitherPathRunsOnWeightsPackedForTheOther(Layer l) {
        // Packed for the GEMV (row blocks), then a batch for the SGEMM rebuilds panels, and the reverse: the same bits
        // as a kernel packed for the path that runs.
        float[] gemv = l.run(l.kernel(Integer.MAX_VALUE, Simd.sgemmKernel(), Simd.gemvKernel()), POOL);
        float[] sgemm = l.run(l.kernel(0, Simd.sgemmKernel(), Simd.gemvKernel()), POOL);
        for (int packedFor : new int[] {1, Integer.MAX_VALUE}) {
            InnerProductPackedGemm kernel = new InnerProductPackedGemm(l.weights(), l.biasValues(), l.n(), l.k(),
                    l.transpose(), l.act(), packedFor, 8, Simd.sgemmKernel(), Simd.gemvKernel());
            float[] in = l.input();
            float[] many = new float[9 * l.n()];
            float[] manyIn = new float[9 * l.k()];
            for (int i = 0; i < 9; i++) {
                System.arraycopy(in, (i % l.m()) * l.k(), manyIn, i * l.k(), l.k());
            }
            for (int round = 0; round < 2; round++) {
                assertArrayEquals(gemv, l.run(kernel, POOL), "GEMV, packed for " + packedFor);
                kernel.forward(manyIn, 0, 9, many, 0, POOL);
                for (int i = 0; i < 9; i++) {
                    int row = i % l.m();
                    assertArrayEquals(Arrays.copyOfRange(sgemm, row * l.n(), (row + 1) * l.n()),
                            Arrays.copyOfRange(many, i * l.n(), (i + 1) * l.n()), "SGEMM row " + i);
                }
            }
            assertArrayEquals(l.weights(), kernel.unpackWeights());
        }
    }

    @ParameterizedTest
    @CsvSource({"1000, 1, true, 1024", "4096, 1, true, 4096", "10, 1, false, 16", "300, 1, false, 304",
        "1000, 2, false, 1000", "1000, 9, false, 1000"})
    void heldWeightsArePaddedToBlocksOnlyWhereBlocksSuitTheLayer(int n, int batch, boolean onBlocks, int paddedRows) {
        // Row blocks hold whole blocks of 128 rows (a 10-class head would keep 128 rows of weights); panels pad to 8.
        int k = 200;
        InnerProductPackedGemm kernel = new InnerProductPackedGemm(random(new Random(1), n * k), null, n, k, false,
                Activation.RELU, batch, Simd.sgemmKernel(), Simd.gemvKernel());
        // Row blocks on AVX-512 only (SimdTest pins which profile prefers them): on AVX2 every case holds panels.
        long expected = onBlocks && Simd.profile().vectorBits() >= 512 ? 4L * paddedRows * k
                : 4L * ((n + 7) / 8 * 8) * k;
        assertEquals(expected, kernel.weightBytes(), Simd.profile().toString());
    }

    @ParameterizedTest
    @MethodSource("nonFiniteWeights")
    void zeroInputsMeetingInfiniteWeightsGiveNaNAsTheReferenceDoes(int rows, float bad) {
        // w x 0 is NaN for an infinite w: a zero input must not be skipped when any weight is not finite.
        int k = 300;
        int n = 140;
        float[] w = random(new Random(7), n * k);
        w[37 * k + 120] = bad;
        float[] x = random(new Random(8), rows * k);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(x[i], 0f);
        }
        for (int i = 0; i < rows; i++) {
            x[i * k + 120] = 0f;
        }
        float[] expected = new float[rows * n];
        InnerProductReference.forward(x, w, null, expected, rows, n, k, false);
        for (GemvMicroKernel gemv : List.of(Simd.gemvKernel(), Simd.scalarGemvKernel())) {
            float[] out = new float[rows * n];
            new InnerProductPackedGemm(w, null, n, k, false, Activation.NONE, rows, Simd.sgemmKernel(), gemv)
                    .forward(x, 0, rows, out, 0, POOL);
            for (int i = 0; i < rows; i++) {
                assertTrue(Float.isNaN(out[i * n + 37]), "row " + i + " output 37 must be NaN");
            }
            Tolerance.APPROX.assertClose(gemv.getClass().getSimpleName(), expected, out);
        }
    }

    static Stream<Arguments> nonFiniteWeights() {
        return Stream.of(Arguments.of(1, Float.POSITIVE_INFINITY), Arguments.of(1, Float.NEGATIVE_INFINITY),
                Arguments.of(1, Float.NaN), Arguments.of(3, Float.POSITIVE_INFINITY));
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }
}
