package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.gemm.PackedSgemm;
import org.caffe4j.kernels.gemm.PackedWeights;
import org.caffe4j.kernels.gemm.RowMajorPanels;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.caffe4j.testing.RandomWeights;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every register layout of the vector micro-kernel — one 8-row pass with the output pass fused (AVX-512), two
 * 4-row passes followed by a separate output pass (AVX2, JDK 17) or with it fused (AVX2, JDK 25) — against the
 * scalar twin, bit for bit, whatever layout this machine and JVM would pick: every combination of accumulate, bias, ReLU and leaky ReLU, full and half tiles, odd K,
 * a row stride wider than the tile, and negative sums (so ReLU's +0 for negative inputs is checked too).
 */
class SgemmVectorKernelTest {
    private static final int MR = SgemmMicroKernel.MR;

    @ParameterizedTest
    @CsvSource({"false, false", "true, false", "true, true"})
    void everyLayoutMatchesTheScalarTwinBitForBit(boolean fourRowPasses, boolean fusedFourRows) {
        SgemmVectorKernel vector = new SgemmVectorKernel(fourRowPasses, fusedFourRows);
        SgemmScalarKernel scalar = new SgemmScalarKernel(vector.nr());
        long seed = fourRowPasses ? 7 : 8;
        int checked = 0;
        for (int kc : new int[] {1, 3, 17, 64}) {
            for (boolean half : new boolean[] {false, true}) {
                int width = half ? vector.nr() / 2 : vector.nr();
                int ldc = width + 5;
                float[] a = RandomWeights.input(seed++, 3 + kc * MR);
                float[] b = RandomWeights.input(seed++, 2 + kc * width);
                float[] bias = RandomWeights.input(seed++, 4 + MR);
                float[] start = RandomWeights.input(seed++, 1 + MR * ldc);
                for (int mode = 0; mode < 16; mode++) {
                    boolean accumulate = (mode & 1) != 0;
                    boolean withBias = (mode & 2) != 0;
                    boolean relu = (mode & 4) != 0;
                    float slope = (mode & 8) != 0 ? 0.25f : 0f;
                    float[] cv = start.clone();
                    float[] cs = start.clone();
                    if (half) {
                        vector.halfTile(kc, a, 3, b, 2, cv, 1, ldc, accumulate, withBias ? bias : null, 4, relu, slope);
                        scalar.halfTile(kc, a, 3, b, 2, cs, 1, ldc, accumulate, withBias ? bias : null, 4, relu, slope);
                    } else {
                        vector.tile(kc, a, 3, b, 2, cv, 1, ldc, accumulate, withBias ? bias : null, 4, relu, slope);
                        scalar.tile(kc, a, 3, b, 2, cs, 1, ldc, accumulate, withBias ? bias : null, 4, relu, slope);
                    }
                    String what = "kc=" + kc + " half=" + half + " mode=" + mode;
                    // Bit patterns, so +0 and -0 differ; the columns past the tile (ldc > width) must stay untouched.
                    assertArrayEquals(bits(cs), bits(cv), what);
                    checked++;
                }
            }
        }
        assertEquals(4 * 2 * 16, checked);
    }

    /**
     * The bare sums Winograd uses equal the tile without bias or ReLU bit for bit, also where a sum is exactly zero:
     * rows of A that are zero or -0, and products that cancel (x - x), so the +0 the tile adds would show if a sum
     * could ever be -0.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void bareSumsEqualTheTileWithoutBiasBitForBit(boolean fourRowPasses) {
        SgemmVectorKernel vector = new SgemmVectorKernel(fourRowPasses);
        SgemmScalarKernel scalar = new SgemmScalarKernel(vector.nr());
        for (int kc : new int[] {1, 2, 17, 64}) {
            for (boolean half : new boolean[] {false, true}) {
                int width = half ? vector.nr() / 2 : vector.nr();
                int ldc = width + 3;
                float[] a = RandomWeights.input(kc * 31L + (half ? 1 : 0), kc * MR);
                float[] b = RandomWeights.input(kc * 37L + (half ? 1 : 0), kc * width);
                for (int k = 0; k < kc; k++) {
                    a[k * MR] = 0f;      // row 0: +0 times anything
                    a[k * MR + 1] = -0f; // row 1: -0 times anything, products of both signs
                    // row 2: pairs of k cancel (a, -a against the same b)
                    a[k * MR + 2] = k % 2 == 0 ? 0.5f : -0.5f; // exact products, so each pair sums to exactly 0
                    if (k % 2 == 1) {
                        System.arraycopy(b, (k - 1) * width, b, k * width, width);
                    }
                }
                float[] start = RandomWeights.input(kc + 5L, MR * ldc);
                float[] bare = start.clone();
                float[] viaTile = start.clone();
                float[] twin = start.clone();
                if (half) {
                    vector.halfSums(kc, a, 0, b, 0, bare, 0, ldc);
                    vector.halfTile(kc, a, 0, b, 0, viaTile, 0, ldc, false, null, 0, false, 0f);
                    scalar.halfSums(kc, a, 0, b, 0, twin, 0, ldc);
                } else {
                    vector.sums(kc, a, 0, b, 0, bare, 0, ldc);
                    vector.tile(kc, a, 0, b, 0, viaTile, 0, ldc, false, null, 0, false, 0f);
                    scalar.sums(kc, a, 0, b, 0, twin, 0, ldc);
                }
                String what = "kc=" + kc + " half=" + half;
                assertArrayEquals(bits(viaTile), bits(bare), what);
                assertArrayEquals(bits(twin), bits(bare), what);
                for (int j = 0; j < width; j++) {
                    assertEquals(0, Float.floatToRawIntBits(bare[j]), "row 0 sums to +0: " + what);
                    assertEquals(0, Float.floatToRawIntBits(bare[ldc + j]), "row 1 sums to +0: " + what);
                    if (kc % 2 == 0) {
                        assertEquals(0, Float.floatToRawIntBits(bare[2 * ldc + j]), "row 2 cancels to +0: " + what);
                    }
                }
            }
        }
    }

    /**
     * The im2col copy moves each run as whole vectors that reach past it: the result must still equal the plain copy
     * of the scalar twin exactly, with nothing written outside the block (the guard values before and after it) even
     * when the last rows' vectors would pass the block's end or the source's (the runs are then copied plainly):
     * runs of 1 to 2 vectors' worth and longer (the plain path), one run or several, padded rows (valid < width),
     * sources that end right after the last run or go on (so only the block's end stops the vectors).
     */
    @Test
    void gatherRowsEqualsThePlainCopyAndStaysInsideItsBlock() {
        SgemmVectorKernel vector = new SgemmVectorKernel(false);
        SgemmScalarKernel scalar = new SgemmScalarKernel(vector.nr());
        int lanes = vector.nr() / 2;
        int[][] runLengths = {{13, 13, 6}, {5}, {lanes}, {lanes + 1, 3}, {2 * lanes, 1}, {2 * lanes + 1, 7},
            {1, 1, 1, 1, 1}, {6, 6, 6, 6, 6, 2}, {27, 5}, {3}};
        for (int[] lengths : runLengths) {
            int valid = java.util.Arrays.stream(lengths).sum();
            for (int width : new int[] {valid, valid + 3}) {
                for (int rows : new int[] {1, 2, 7}) {
                  for (int slack : new int[] {0, 64}) {
                    int gap = 15; // source floats between runs: a row of a padded image
                    int[] runs = new int[2 * lengths.length];
                    int at = 0;
                    for (int r = 0; r < lengths.length; r++) {
                        runs[2 * r] = at;
                        runs[2 * r + 1] = lengths[r];
                        at += Math.max(gap, lengths[r]);
                    }
                    int lastRunEnd = runs[2 * lengths.length - 2] + lengths[lengths.length - 1];
                    int[] rowOffsets = new int[rows + 2];
                    for (int k = 0; k < rowOffsets.length; k++) {
                        rowOffsets[k] = (k * 7) % 11; // rows read overlapping, unordered parts of the source
                    }
                    int srcBase = 3;
                    // The source ends right after the farthest run any row reads, or slack floats later.
                    float[] src = RandomWeights.input(valid * 31L + rows, srcBase + 10 + lastRunEnd + slack);
                    int dstOff = 5;
                    float[] guard = RandomWeights.input(width + rows, dstOff + rows * width + 40);
                    float[] got = guard.clone();
                    float[] want = guard.clone();
                    vector.gatherRows(src, srcBase, rowOffsets, 1, rows, runs, lengths.length, got, dstOff, width,
                            valid);
                    scalar.gatherRows(src, srcBase, rowOffsets, 1, rows, runs, lengths.length, want, dstOff, width,
                            valid);
                    String what = java.util.Arrays.toString(lengths) + " width=" + width + " rows=" + rows + " slack="
                            + slack;
                    assertArrayEquals(bits(want), bits(got), what);
                    for (int kk = 0; kk < rows; kk++) {
                        int q = dstOff + kk * width;
                        for (int r = 0; r < lengths.length; r++) {
                            for (int i = 0; i < lengths[r]; i++, q++) {
                                assertEquals(src[srcBase + rowOffsets[1 + kk] + runs[2 * r] + i], got[q], what);
                            }
                        }
                        for (; q < dstOff + (kk + 1) * width; q++) {
                            assertEquals(0f, got[q], what + " padding");
                        }
                    }
                    assertEquals(guard[dstOff - 1], got[dstOff - 1], what + " before the block");
                    for (int q = dstOff + rows * width; q < got.length; q++) {
                        assertEquals(guard[q], got[q], what + " after the block");
                    }
                  }
                }
            }
        }
    }

    /**
     * Single rows against several B tiles (the transposed Winograd path's last panel) equal the scalar twin and the
     * matching rows of full tiles, bit for bit: 1 to 6 tiles (the four-tile kernel and its remainder), odd K, B
     * tiles and outputs at strides wider than a tile, values past them untouched.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void rowSumsEqualTheTilesRowsBitForBit(boolean fourRowPasses) {
        SgemmVectorKernel vector = new SgemmVectorKernel(fourRowPasses);
        SgemmScalarKernel scalar = new SgemmScalarKernel(vector.nr());
        int nr = vector.nr();
        for (int kc : new int[] {1, 5, 64}) {
            for (int tiles = 1; tiles <= 6; tiles++) {
                int bStride = kc * nr + 3;
                int cStride = nr + 5;
                float[] a = RandomWeights.input(kc * 11L + tiles, 2 + kc * MR);
                float[] b = RandomWeights.input(kc * 13L + tiles, 1 + tiles * bStride);
                for (int row : new int[] {0, 5}) {
                    float[] start = RandomWeights.input(kc + tiles + row, 4 + tiles * cStride);
                    float[] rows = start.clone();
                    float[] twin = start.clone();
                    vector.rowSums(kc, a, 2 + row, b, 1, bStride, tiles, rows, 4, cStride);
                    scalar.rowSums(kc, a, 2 + row, b, 1, bStride, tiles, twin, 4, cStride);
                    String what = "kc=" + kc + " tiles=" + tiles + " row=" + row;
                    assertArrayEquals(bits(twin), bits(rows), what);
                    for (int t = 0; t < tiles; t++) {
                        float[] full = new float[MR * nr];
                        vector.sums(kc, a, 2, b, 1 + t * bStride, full, 0, nr);
                        for (int j = 0; j < nr; j++) {
                            assertEquals(Float.floatToRawIntBits(full[row * nr + j]),
                                    Float.floatToRawIntBits(rows[4 + t * cStride + j]), what + " t=" + t + " j=" + j);
                        }
                        for (int j = nr; j < cStride && 4 + t * cStride + j < rows.length; j++) {
                            assertEquals(start[4 + t * cStride + j], rows[4 + t * cStride + j], what + " gap");
                        }
                    }
                }
            }
        }
    }

    /**
     * The transposed path's tile (12 panel rows on the AVX-512 layout, the 8-row tile on AVX2's) computes, per output,
     * the scalar twin's float operations: sum = fma over k from 0, then sum + C (C holds the bias), then ReLU or leaky
     * ReLU. Checked bit for bit against the scalar twin's own tile run on each row, on both layouts whatever this
     * machine is, for odd K, a row stride wider than the tile, and values past it untouched.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void transposedTileEqualsTheScalarTwinsTileRowByRow(boolean fourRowPasses) {
        SgemmVectorKernel vector = new SgemmVectorKernel(fourRowPasses);
        SgemmScalarKernel scalar = new SgemmScalarKernel(vector.nr());
        if (!fourRowPasses) {
            vector.useTwelveRowPanels(); // compiled or not: the own-JVM test below checks the compiled tile's bits
        }
        int rows = vector.transposedRows();
        assertEquals(fourRowPasses ? MR : 12, rows);
        int nr = vector.nr();
        int ldc = nr + 3;
        long seed = fourRowPasses ? 40 : 50;
        for (int kc : new int[] {1, 3, 17, 64}) {
            float[] a = RandomWeights.input(seed++, 2 + kc * rows);
            float[] b = RandomWeights.input(seed++, 1 + kc * nr);
            float[] start = RandomWeights.input(seed++, 4 + rows * ldc);
            for (int mode = 0; mode < 3; mode++) {
                boolean relu = mode > 0;
                float slope = mode == 2 ? 0.25f : 0f;
                float[] cv = start.clone();
                vector.transposedTile(rows, kc, a, 2, b, 1, cv, 4, ldc, relu, slope);
                for (int r = 0; r < rows; r++) {
                    // Row r alone as the first row of an MR-row panel, through the twin's tile in accumulate mode.
                    float[] panel = new float[kc * MR];
                    for (int k = 0; k < kc; k++) {
                        panel[k * MR] = a[2 + k * rows + r];
                    }
                    float[] cs = new float[MR * nr];
                    System.arraycopy(start, 4 + r * ldc, cs, 0, nr);
                    scalar.tile(kc, panel, 0, b, 1, cs, 0, nr, true, null, 0, relu, slope);
                    for (int j = 0; j < nr; j++) {
                        assertEquals(Float.floatToRawIntBits(cs[j]), Float.floatToRawIntBits(cv[4 + r * ldc + j]),
                                "kc=" + kc + " mode=" + mode + " row " + r + " column " + j);
                    }
                    for (int j = nr; j < ldc && 4 + r * ldc + j < cv.length; j++) {
                        assertEquals(start[4 + r * ldc + j], cv[4 + r * ldc + j], "past the tile, row " + r);
                    }
                }
            }
        }
    }

    /**
     * Whole products through {@link PackedSgemm}'s transposed path with the AVX-512 layout's 12-column panels equal
     * the scalar twin's (8-column panels) bit for bit, whatever this machine is: column counts that fill panels
     * exactly (24, 36) or leave partial ones (5, 17, 22, 33, 37, 40; PackedSgemmTest checks that each of these takes
     * the transposed path with 32-wide tiles), with and without bias, ReLU and leaky ReLU, on one thread and on three.
     */
    @ParameterizedTest
    @CsvSource({"5, 70, 90", "17, 64, 33", "22, 100, 40", "24, 200, 17", "33, 96, 64", "36, 1000, 300",
            "36, 130, 384", "37, 64, 70", "40, 96, 64"})
    void transposedProductsWithTwelveColumnPanelsEqualTheScalarTwin(int n, int m, int k) {
        SgemmVectorKernel vector = new SgemmVectorKernel(false);
        // Compiled or not (the whole suite's compile queue once kept the tile uncompiled for 45 s): the own-JVM test
        // below runs this check on the compiled tile.
        vector.useTwelveRowPanels();
        assertTwelveColumnProductsEqualTheTwin(vector, n, m, k);
    }

    private static void assertTwelveColumnProductsEqualTheTwin(SgemmVectorKernel vector, int n, int m, int k) {
        assertEquals(12, vector.transposedRows());
        SgemmScalarKernel scalar = new SgemmScalarKernel(vector.nr());
        try (ThreadPoolParallel pool = new ThreadPoolParallel(3)) {
            for (int variant = 0; variant < 3; variant++) {
                float[] weights = RandomWeights.input(60 + variant, m * k);
                float[] bias = variant == 1 ? null : RandomWeights.input(70 + variant, m);
                PackedWeights packed = PackedWeights.pack(weights, 0, 1, m, k, bias);
                RowMajorPanels input = new RowMajorPanels(RandomWeights.input(80 + variant, k * n), 0, n, k * n);
                Activation act = variant == 0 ? Activation.RELU : variant == 1 ? Activation.NONE : Activation.relu(0.1f);
                float[] expected = new float[m * n + 2];
                PackedSgemm.multiply(packed, input, n, expected, 1, act, Parallel.SERIAL, scalar);
                for (Parallel par : new Parallel[] {Parallel.SERIAL, pool}) {
                    float[] actual = new float[m * n + 2];
                    PackedSgemm.multiply(packed, input, n, actual, 1, act, par, vector);
                    assertArrayEquals(bits(expected), bits(actual), "n=" + n + " variant " + variant);
                }
            }
        }
    }

    /**
     * A fresh AVX-512-layout kernel starts its 12-row tile's warm-up on its first {@link
     * SgemmVectorKernel#transposedRows} call, answers 8 or 12 meanwhile, and 12 once the warm-up thread is done; the
     * AVX2 layout always answers 8.
     */
    @Test
    @Tag("own-jvm") // it waits for C2 to compile the tile: not behind the whole suite's compile queue
    @Timeout(120)
    void transposedRowsTurnTwelveOnceTheWarmUpThreadHasRun() throws Exception {
        assertEquals(MR, new SgemmVectorKernel(true).transposedRows());
        SgemmVectorKernel vector = new SgemmVectorKernel(false);
        int rows = vector.transposedRows();
        assertTrue(rows == MR || rows == 12, "rows " + rows);
        // Ends: the thread gives up after 30 full batches and 300 probes (~18 s), and then this fails instead of
        // waiting for ever.
        assertTrue(vector.tallTileWarmUp.get(), "the warm-up never saw the 12-row tile compiled");
        assertEquals(12, vector.transposedRows());
        // The tile is compiled now: the short probes that follow the full batches see it too. Up to 100 probes 20 ms
        // apart, not 3 at 1 ms: in a full suite the JIT may just have deoptimised the tile to recompile it (3 probes
        // within 5 ms all missed once under -XX:UseAVX=2 on JDK 25), and the next compiled copy takes tens of ms.
        SgemmVectorKernel probed = new SgemmVectorKernel(false);
        assertTrue(probed.warmTransposedTile(0, 100, 20));
        assertEquals(12, probed.transposedRows());
        // And the compiled tile's results: NIN's 6x6 maps (36 columns) and a partial last panel (37).
        assertTwelveColumnProductsEqualTheTwin(vector, 36, 130, 384);
        assertTwelveColumnProductsEqualTheTwin(vector, 37, 64, 70);
    }

    private static int[] bits(float[] x) {
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Float.floatToRawIntBits(x[i]);
        }
        return out;
    }
}
