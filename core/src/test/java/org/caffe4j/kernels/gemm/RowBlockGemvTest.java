package org.caffe4j.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.dense.InnerProductReference;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The single-row GEMV on row blocks: the vector kernel against its scalar twin (which the InnerProduct kernel does not
 * pick for row blocks, so only this test runs it), against the panel GEMV over every k, and against the reference.
 */
class RowBlockGemvTest {
    private static final ThreadPoolParallel POOL = new ThreadPoolParallel(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    /** A ReLU's output: {@code zeros} of the values zero (every fifth of those -0), the rest positive. */
    private static float[] input(int depth, double zeros, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[depth + 3];
        for (int k = 0; k < depth; k++) {
            x[k + 3] = rnd.nextDouble() < zeros ? (k % 5 == 0 ? -0f : 0f) : rnd.nextFloat();
        }
        return x;
    }

    private static float[] random(int n, long seed) {
        Random rnd = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static float[] run(PackedWeights a, float[] x, Activation act, Parallel par, GemvMicroKernel kernel) {
        float[] y = new float[a.rows() + 2];
        y[0] = 42f;
        y[a.rows() + 1] = 43f;
        RowBlockGemv.multiply(a, x, 3, y, 1, act, par, kernel);
        assertTrue(y[0] == 42f && y[a.rows() + 1] == 43f, "wrote outside its rows");
        return java.util.Arrays.copyOfRange(y, 1, a.rows() + 1);
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1, 0.0, true", "7, 3, 0.5, false", "128, 40, 0.4, true", "129, 300, 1.0, true", "300, 1000, 0.36, false",
        // several tasks of three and of two blocks, a partial last block, and K over one SGEMM slice (3 slices)
        "1000, 4097, 0.5, true", "1700, 9216, 0.36, true", "520, 8300, 0.9, false"})
    void vectorAndScalarAgreeBitForBitWithEachOtherAndThePanels(int rows, int depth, double zeros, boolean bias) {
        float[] w = random(rows * depth, rows * 31L + depth);
        float[] b = bias ? random(rows, 5) : null;
        float[] x = input(depth, zeros, depth);
        for (Activation act : new Activation[] {Activation.NONE, Activation.RELU, Activation.relu(0.1f)}) {
            PackedWeights blocks = PackedWeights.packRowBlocks(w, 0, rows, depth, false, b);
            float[] vector = run(blocks, x, act, POOL, Simd.gemvKernel());
            assertArrayEquals(vector, run(blocks, x, act, Parallel.SERIAL, Simd.gemvKernel()), "thread count");
            assertArrayEquals(vector, run(blocks, x, act, POOL, Simd.scalarGemvKernel()), "scalar twin");
            PackedWeights panels = PackedWeights.pack(w, 0, 1, rows, depth, b);
            float[] overEveryK = new float[rows];
            PackedGemv.multiply(panels, x, 3, 1, overEveryK, 0, act, POOL, Simd.scalarGemvKernel());
            assertArrayEquals(overEveryK, vector, "panels, summing every k");
            float[] expected = new float[rows];
            InnerProductReference.forward(java.util.Arrays.copyOfRange(x, 3, depth + 3), w, b, expected, 1, rows,
                    depth, false);
            for (int i = 0; i < rows; i++) {
                expected[i] = act.apply(expected[i]);
            }
            Tolerance.APPROX.assertClose("reference", expected, vector);
        }
    }

    @ParameterizedTest
    @CsvSource({"4096, true", "1000, true", "2100, true", "500, true", "1024, true", "128, true", "1, false",
        "10, false", "100, false", "300, false", "129, false", "1100, true", "640, true", "1025, true", "900, false"})
    void rowBlocksSuitLayersTheyPadByAtMostAnEighth(int rows, boolean suits) {
        assertEquals(suits, RowBlockGemv.suits(rows));
    }

    @Test
    void anInfiniteWeightKeepsEveryKSoItsZeroInputGivesNaN() {
        int rows = 200;
        int depth = 64;
        float[] w = random(rows * depth, 3);
        w[150 * depth + 10] = Float.POSITIVE_INFINITY;
        float[] x = input(depth, 0.5, 4);
        x[3 + 10] = 0f;
        PackedWeights blocks = PackedWeights.packRowBlocks(w, 0, rows, depth, false, null);
        assertFalse(blocks.allFinite());
        for (GemvMicroKernel kernel : new GemvMicroKernel[] {Simd.gemvKernel(), Simd.scalarGemvKernel()}) {
            float[] y = run(blocks, x, Activation.NONE, POOL, kernel);
            assertTrue(Float.isNaN(y[150]), "Inf x 0 is NaN");
            assertFalse(Float.isNaN(y[149]));
        }
    }
}
