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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The last tile of at most 4 valid columns, computed over pairs of panels by {@link SgemmMicroKernel#narrowSums}
 * plus {@link SgemmMicroKernel#finishSums} on AVX2, must give the bits of the half or full tiles it replaces. The
 * vector kernel is built with half tiles on and off, so that both run on any JDK (JDK 17 turns them off on AVX2).
 */
class NarrowSumsTest {
    private static final boolean FUSED = SgemmVectorKernel.FUSED_FOUR_ROWS;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void narrowSumsAndFinishEqualTheTilesTheyReplace(boolean halfTiles) {
        SgemmVectorKernel vector = new SgemmVectorKernel(true, FUSED, halfTiles);
        SgemmScalarKernel twin = new SgemmScalarKernel(vector.nr(), halfTiles);
        int width = halfTiles ? vector.nr() / 2 : vector.nr(); // the B tile's columns
        int half = vector.nr() / 2;                             // the scratch rows narrowSums writes
        int mr = SgemmMicroKernel.MR;
        Random rnd = new Random(3);
        for (int kc : new int[] {1, 3, 17, 300}) {
            float[] a = random(rnd, 2 + 2 * kc * mr);
            float[] b = random(rnd, 1 + kc * width);
            float[] bias = random(rnd, 2 * mr);
            int aOff2 = 2 + kc * mr;
            for (Activation act : new Activation[] {Activation.NONE, Activation.RELU, Activation.relu(0.2f)}) {
                float[] expected = new float[2 * mr * width];
                for (int q = 0; q < 2; q++) {
                    if (halfTiles) {
                        vector.halfTile(kc, a, q == 0 ? 2 : aOff2, b, 1, expected, q * mr * width, width, false, bias,
                                q * mr, act.relu(), act.negativeSlope());
                    } else {
                        vector.tile(kc, a, q == 0 ? 2 : aOff2, b, 1, expected, q * mr * width, width, false, bias,
                                q * mr, act.relu(), act.negativeSlope());
                    }
                }
                for (SgemmMicroKernel kernel : new SgemmMicroKernel[] {vector, twin}) {
                    float[] actual = new float[2 * mr * half];
                    kernel.narrowSums(kc, a, 2, aOff2, b, 1, width, actual, 0, mr * half, half);
                    kernel.finishSums(actual, 0, half, half, bias, 0, act.relu(), act.negativeSlope());
                    kernel.finishSums(actual, mr * half, half, half, bias, mr, act.relu(), act.negativeSlope());
                    for (int r = 0; r < 2 * mr; r++) {
                        for (int j = 0; j < SgemmMicroKernel.NARROW_COLUMNS; j++) {
                            float e = expected[r * width + j];
                            float v = actual[r * half + j];
                            assertTrue(Float.floatToIntBits(e) == Float.floatToIntBits(v), kernel.getClass()
                                    .getSimpleName() + " kc=" + kc + " " + act + " row " + r + " column " + j + ": "
                                    + e + " vs " + v);
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
            "1, 40, 30, 4",      // one narrow tile only, 5 panels
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
            for (boolean halfTiles : new boolean[] {true, false}) {
                SgemmVectorKernel vector = new SgemmVectorKernel(true, FUSED, halfTiles);
                SgemmScalarKernel twin = new SgemmScalarKernel(vector.nr(), halfTiles);
                for (Activation act : new Activation[] {Activation.RELU, Activation.relu(0.1f), Activation.NONE}) {
                    String what = (halfTiles ? "half tiles, " : "no half tiles, ") + act;
                    float[] expected = run(packed, b, groups, rows, depth, columns, act, Parallel.SERIAL, twin);
                    assertArrayEquals(expected, run(packed, b, groups, rows, depth, columns, act, Parallel.SERIAL,
                            vector), "one thread, " + what);
                    assertArrayEquals(expected, run(packed, b, groups, rows, depth, columns, act, pool, vector),
                            "three threads, " + what);
                }
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
