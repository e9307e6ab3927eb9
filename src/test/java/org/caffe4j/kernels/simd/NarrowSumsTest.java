package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.gemm.PackedSgemm;
import org.caffe4j.kernels.gemm.PackedWeights;
import org.caffe4j.kernels.gemm.RowMajorPanels;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The last tile of at most 4 valid columns, computed over pairs of panels by {@link SgemmMicroKernel#narrowSums}
 * plus {@link SgemmMicroKernel#finishSums} on AVX2, must give the bits of the half tiles it replaces. The vector
 * kernel is built with half tiles on, so that this runs on any JDK (JDK 17 turns half tiles off on AVX2).
 */
class NarrowSumsTest {
    private static final SgemmVectorKernel VECTOR = new SgemmVectorKernel(true, SgemmVectorKernel.FUSED_FOUR_ROWS,
            true);
    private static final SgemmScalarKernel TWIN = new SgemmScalarKernel(VECTOR.nr(), true);

    @Test
    void narrowSumsAndFinishEqualTwoHalfTiles() {
        int half = VECTOR.nr() / 2;
        Random rnd = new Random(3);
        for (int kc : new int[] {1, 3, 17, 300}) {
            float[] a = random(rnd, 2 + 2 * kc * SgemmMicroKernel.MR);
            float[] b = random(rnd, 1 + kc * half);
            float[] bias = random(rnd, 2 * SgemmMicroKernel.MR);
            for (Activation act : new Activation[] {Activation.NONE, Activation.RELU, Activation.relu(0.2f)}) {
                int aOff2 = 2 + kc * SgemmMicroKernel.MR;
                float[] expected = new float[2 * SgemmMicroKernel.MR * half];
                VECTOR.halfTile(kc, a, 2, b, 1, expected, 0, half, false, bias, 0, act.relu(), act.negativeSlope());
                VECTOR.halfTile(kc, a, aOff2, b, 1, expected, SgemmMicroKernel.MR * half, half, false, bias,
                        SgemmMicroKernel.MR, act.relu(), act.negativeSlope());
                for (SgemmMicroKernel kernel : new SgemmMicroKernel[] {VECTOR, TWIN}) {
                    float[] actual = expected.clone();
                    kernel.narrowSums(kc, a, 2, aOff2, b, 1, actual, 0, SgemmMicroKernel.MR * half, half);
                    kernel.finishSums(actual, 0, half, half, bias, 0, act.relu(), act.negativeSlope());
                    kernel.finishSums(actual, SgemmMicroKernel.MR * half, half, half, bias, SgemmMicroKernel.MR,
                            act.relu(), act.negativeSlope());
                    for (int r = 0; r < 2 * SgemmMicroKernel.MR; r++) {
                        for (int j = 0; j < SgemmMicroKernel.NARROW_COLUMNS; j++) {
                            assertTrue(Float.floatToIntBits(expected[r * half + j])
                                            == Float.floatToIntBits(actual[r * half + j]),
                                    kernel.getClass().getSimpleName() + " kc=" + kc + " " + act + " row " + r
                                            + " column " + j + ": " + expected[r * half + j] + " vs "
                                            + actual[r * half + j]);
                        }
                    }
                }
            }
        }
    }

    /** groups, rows, depth, columns: 1-4 columns past the last whole tile; odd panel counts; both GEMM paths. */
    @ParameterizedTest
    @CsvSource({
            "1, 1000, 300, 36",  // NIN cccp8 at batch 1: weights split, B shared
            "1, 24, 50, 20",
            "1, 40, 30, 4",      // one half tile only, 5 panels
            "1, 17, 33, 36",     // 3 panels, the last with one row
            "2, 23, 19, 33",
            "1, 96, 96, 2916",   // NIN cccp1 at batch 1: columns split, B packed per task
            "1, 9, 700, 18"})
    void gemmWithNarrowLastTileEqualsTheScalarTwin(int groups, int rows, int depth, int columns) {
        Random rnd = new Random(rows * 31L + depth * 7L + columns);
        float[] a = random(rnd, groups * rows * depth);
        float[] bias = random(rnd, groups * rows);
        float[] b = random(rnd, groups * depth * columns);
        PackedWeights packed = PackedWeights.pack(a, 0, groups, rows, depth, bias);
        try (ThreadPoolParallel pool = new ThreadPoolParallel(3)) {
            for (Activation act : new Activation[] {Activation.RELU, Activation.relu(0.1f), Activation.NONE}) {
                float[] expected = run(packed, b, groups, rows, depth, columns, act, Parallel.SERIAL, TWIN);
                assertArrayEquals(expected, run(packed, b, groups, rows, depth, columns, act, Parallel.SERIAL, VECTOR),
                        "one thread, " + act);
                assertArrayEquals(expected, run(packed, b, groups, rows, depth, columns, act, pool, VECTOR),
                        "three threads, " + act);
            }
        }
    }

    private static float[] run(PackedWeights packed, float[] b, int groups, int rows, int depth, int columns,
                               Activation act, Parallel par, SgemmMicroKernel kernel) {
        float[] c = new float[2 + groups * rows * columns + 2];
        PackedSgemm.multiply(packed, new RowMajorPanels(b, 0, columns, depth * columns), columns, c, 2, act, par,
                kernel);
        return c;
    }

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextFloat() * 2 - 1;
        }
        return v;
    }
}
