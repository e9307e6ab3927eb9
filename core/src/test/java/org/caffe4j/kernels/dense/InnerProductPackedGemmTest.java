package org.caffe4j.kernels.dense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
        return cases.stream();
    }

    record Layer(int m, int k, int n, boolean transpose, boolean bias, Activation act, long seed) {
        float[] input() {
            return random(new Random(seed * 31 + 1), m * k);
        }

        float[] weights() {
            return random(new Random(seed * 31 + 2), n * k);
        }

        float[] biasValues() {
            return bias ? random(new Random(seed * 31 + 3), n) : null;
        }

        InnerProductPackedGemm kernel(int gemvMaxRows, SgemmMicroKernel sgemm, GemvMicroKernel gemv) {
            return new InnerProductPackedGemm(weights(), biasValues(), n, k, transpose, act, gemvMaxRows, sgemm, gemv);
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
                l.transpose(), l.act(), Simd.sgemmKernel(), Simd.gemvKernel());
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

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }
}
