package org.caffe4j.kernels.conv;

import static org.caffe4j.kernels.conv.Conv2dGemmTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.caffe4j.kernels.simd.SgemmScalarKernel;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Winograd convolution against {@link Conv2dReference}, and its transforms against their definition. */
class Conv2dWinogradTest {
    private static final ThreadPoolParallel POOL = new ThreadPoolParallel(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    @ParameterizedTest
    @CsvSource({"2, 3", "4, 3", "2, 5", "3, 3", "6, 3", "4, 5", "2, 7"})
    void transformsComputeCorrelation(int m, int r) {
        WinogradMatrices w = WinogradMatrices.of(m, r);
        int alpha = w.alpha();
        assertEquals(m + r - 1, alpha);
        Random rnd = new Random(m * 31 + r);
        float[] d = random(rnd, alpha * alpha);
        float[] g = random(rnd, r * r);
        float[] u = new float[alpha * alpha];
        w.transformFilter(g, 0, u, 0, 1);
        float[] bt = w.inputMatrix();
        float[] at = w.outputMatrix();
        // Y = Aᵀ [U ⊙ (Bᵀ d B)] A in double, against the direct 2-D correlation of the tile.
        double[] v = new double[alpha * alpha];
        for (int i = 0; i < alpha; i++) {
            for (int j = 0; j < alpha; j++) {
                double s = 0;
                for (int k = 0; k < alpha; k++) {
                    for (int l = 0; l < alpha; l++) {
                        s += bt[i * alpha + k] * (double) d[k * alpha + l] * bt[j * alpha + l];
                    }
                }
                v[i * alpha + j] = s * u[i * alpha + j];
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                double y = 0;
                for (int k = 0; k < alpha; k++) {
                    for (int l = 0; l < alpha; l++) {
                        y += at[i * alpha + k] * v[k * alpha + l] * at[j * alpha + l];
                    }
                }
                double direct = 0;
                for (int ky = 0; ky < r; ky++) {
                    for (int kx = 0; kx < r; kx++) {
                        direct += (double) d[(i + ky) * alpha + j + kx] * g[ky * r + kx];
                    }
                }
                assertEquals(direct, y, 1e-5, "F(" + m + "," + r + ") output " + i + "," + j);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"2, 3", "4, 3", "2, 5", "3, 3", "6, 3", "4, 5", "2, 7"})
    void inputMatrixHoldsExactMultiplesOfOneSixtyFourth(int m, int r) {
        float[] bt = WinogradMatrices.of(m, r).inputMatrix();
        for (int i = 0; i < bt.length; i++) {
            float scaled = bt[i] * 64;
            assertEquals(Math.rint(scaled), scaled, 0.0, "F(" + m + "," + r + ") Bt entry " + i + " = " + bt[i]);
        }
    }

    @Test
    void f33InputRowThreeIsExactlyMinusD1PlusD3() {
        // The inversion left -1.7e-16 in column 2 of this row before Bᵀ was rounded to its grid.
        float[] bt = WinogradMatrices.of(3, 3).inputMatrix();
        assertArrayEquals(new float[] {0, -1, 0, 1, 0}, Arrays.copyOfRange(bt, 15, 20));
    }

    @Test
    void lavinsF23MatricesUpToTheSignOfTheLastRow() {
        WinogradMatrices w = WinogradMatrices.of(2, 3);
        assertArrayEquals(new float[] {1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, -1, 0, 1}, w.inputMatrix());
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 1, -1, 1}, w.outputMatrix());
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                // inC, inH, inW, outC, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, group; m
                Arguments.of(new ConvShape(16, 13, 13, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2),   // conv3-like
                Arguments.of(new ConvShape(16, 13, 13, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1), 4),
                Arguments.of(new ConvShape(16, 13, 13, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1), 3),
                Arguments.of(new ConvShape(16, 13, 13, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1), 6),
                Arguments.of(new ConvShape(9, 27, 27, 17, 5, 5, 1, 1, 2, 2, 1, 1, 1), 2),    // conv2-like, odd
                Arguments.of(new ConvShape(48, 27, 27, 40, 5, 5, 1, 1, 2, 2, 1, 1, 1), 4),   // conv2-like, F(4,5)
                // conv4-like: one image has at most 16 tiles, so it takes the transposed GEMM and a batch of 3 the
                // normal one (batchAndThreadsBitIdenticalToSingleImages compares them); 33 channels leave a partial
                // channel tile.
                Arguments.of(new ConvShape(40, 6, 6, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2),
                Arguments.of(new ConvShape(40, 6, 6, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1), 4),
                // Transposed with the last panel row by row: 1, 2 and 10 tiles; 9 tiles with 520 channels, so that
                // tasks hold four channel tiles (rowSums' four-tile kernel) and a remainder.
                Arguments.of(new ConvShape(20, 2, 2, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2),
                Arguments.of(new ConvShape(20, 2, 4, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2),
                Arguments.of(new ConvShape(20, 4, 10, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2),
                Arguments.of(new ConvShape(24, 6, 6, 520, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2),
                // Transposed over two column tiles with 264 channels (a partial channel tile): 49 tiles with
                // 32-column tiles, 25 with 16-column ones (the other width takes the normal path or one tile).
                Arguments.of(new ConvShape(24, 14, 14, 264, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2),
                Arguments.of(new ConvShape(24, 10, 10, 264, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2),
                // Fused (32x32 tiles of F(2,3) per image, small weights), partial tiles at the edges.
                Arguments.of(new ConvShape(4, 63, 63, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2),
                Arguments.of(new ConvShape(3, 11, 7, 5, 3, 3, 1, 1, 0, 2, 1, 1, 1), 4),      // rectangular, pads differ
                Arguments.of(new ConvShape(5, 3, 4, 6, 5, 5, 1, 1, 2, 2, 1, 1, 1), 2),       // kernel wider than input
                Arguments.of(new ConvShape(7, 40, 37, 9, 3, 3, 1, 1, 0, 0, 1, 1, 1), 4),     // many tiles, no pad
                Arguments.of(new ConvShape(300, 5, 5, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2),    // deep K
                Arguments.of(new ConvShape(2, 9, 9, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1), 4));     // many channel panels
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void matchesReference(ConvShape s, int m) {
        Conv2dGemmTest.Case c = new Conv2dGemmTest.Case(s, 5);
        for (Activation act : new Activation[] {Activation.NONE, Activation.RELU, Activation.relu(0.25f)}) {
            Conv2dKernel kernel = new Conv2dWinograd(c.w, c.bias, s.outC(), s.inC(), s.kH(), m, act, Simd.sgemmKernel(), Simd.winogradTransforms());
            c.check(kernel, act, Parallel.SERIAL, Tolerance.SCALED);
        }
        Conv2dKernel plain = new Conv2dWinograd(c.w, null, s.outC(), s.inC(), s.kH(), m, Activation.NONE, Simd.sgemmKernel(), Simd.winogradTransforms());
        Tolerance.SCALED.assertClose("no bias", c.expected(null, Activation.NONE), c.run(plain, POOL));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void scalarTwinBitIdenticalToVectorPath(ConvShape s, int m) {
        Conv2dGemmTest.Case c = new Conv2dGemmTest.Case(s, 6);
        Activation act = Activation.relu(0.5f);
        Conv2dKernel scalar = new Conv2dWinograd(c.w, c.bias, s.outC(), s.inC(), s.kH(), m, act,
                Simd.scalarSgemmKernel(), Simd.scalarWinogradTransforms());
        Conv2dKernel vector = new Conv2dWinograd(c.w, c.bias, s.outC(), s.inC(), s.kH(), m, act, Simd.sgemmKernel(), Simd.winogradTransforms());
        float[] scalarOut = c.run(scalar, Parallel.SERIAL);
        Tolerance.SCALED.assertClose(s + " scalar", c.expected(c.bias, act), scalarOut);
        Tolerance.EXACT.assertClose(s + " scalar vs vector", scalarOut, c.run(vector, Parallel.SERIAL));
        // Half tiles or padded full tiles for the column remainder (which one depends on the JVM): same result.
        SgemmMicroKernel otherRemainders = new SgemmScalarKernel(Simd.sgemmKernel().nr(),
                !Simd.sgemmKernel().halfTilePays());
        Conv2dKernel other = new Conv2dWinograd(c.w, c.bias, s.outC(), s.inC(), s.kH(), m, act, otherRemainders,
                Simd.scalarWinogradTransforms());
        Tolerance.EXACT.assertClose(s + " other remainder tiles", scalarOut, c.run(other, Parallel.SERIAL));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void batchAndThreadsBitIdenticalToSingleImages(ConvShape s, int m) {
        int batch = 3;
        Random rnd = new Random(s.hashCode() + m);
        float[] in = random(rnd, batch * s.inSize());
        float[] w = random(rnd, s.weightSize());
        float[] bias = random(rnd, s.outC());
        Conv2dKernel kernel = new Conv2dWinograd(w, bias, s.outC(), s.inC(), s.kH(), m, Activation.RELU, Simd.sgemmKernel(), Simd.winogradTransforms());
        Conv2dGemmTest.assertBatchEqualsSingleImages(kernel, s, in, batch, POOL);
    }

    @Test
    void transposedOverTwoColumnTilesOnlyWithATaskPerChannelTile() {
        // 49 columns: 32 + 17, a last panel of one row; 48: 32 + a half tile; 40: whole panels (no padding).
        assertTrue(Conv2dWinograd.runsTransposed(49, 2, false, 512, 32));
        assertTrue(Conv2dWinograd.runsTransposed(48, 2, true, 256, 32));
        assertTrue(Conv2dWinograd.runsTransposed(25, 2, false, 128, 16));
        assertFalse(Conv2dWinograd.runsTransposed(49, 2, false, 224, 32), "7 channel tiles, fewer than the tasks");
        assertFalse(Conv2dWinograd.runsTransposed(40, 2, false, 512, 32), "no padded panel");
        assertFalse(Conv2dWinograd.runsTransposed(73, 3, false, 512, 32), "three column tiles");
        assertTrue(Conv2dWinograd.runsTransposed(9, 1, false, 40, 32));
        assertFalse(Conv2dWinograd.runsTransposed(9, 1, false, 24, 32), "fewer channels than a tile");
    }

    /**
     * The transposed GEMM over two column tiles, for both tile widths whatever this machine's: one image (49 or 25
     * tiles, transposed) against a batch of three (the normal path), bit for bit, and against the reference.
     */
    @ParameterizedTest
    @CsvSource({"32, 14", "16, 10"})
    void twoTileTransposedPathEqualsTheNormalPath(int nr, int map) {
        ConvShape s = new ConvShape(24, map, map, 264, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        int tiles = (map / 2) * (map / 2);
        assertTrue(Conv2dWinograd.runsTransposed(tiles, 2, false, s.outC(), nr), "one image goes transposed");
        assertFalse(Conv2dWinograd.runsTransposed(3 * tiles, (3 * tiles + nr - 1) / nr, false, s.outC(), nr));
        SgemmMicroKernel tile = new SgemmScalarKernel(nr, true);
        Conv2dGemmTest.Case c = new Conv2dGemmTest.Case(s, 7);
        Conv2dKernel kernel = new Conv2dWinograd(c.w, c.bias, s.outC(), s.inC(), 3, 2, Activation.RELU, tile,
                new WinogradScalarTransforms(nr / 2));
        c.check(kernel, Activation.RELU, POOL, Tolerance.SCALED);
        Conv2dGemmTest.assertBatchEqualsSingleImages(kernel, s, random(new Random(3), 3 * s.inSize()), 3, POOL);
    }

    /**
     * Fused chunks against the two-phase path, for both tile widths whatever this machine's: one image of 2 or 3
     * column tiles (two phases) against a batch of three (fused), bit for bit, and against the reference.
     */
    @ParameterizedTest
    @CsvSource({"32, 16", "16, 12"})
    void fusedChunksEqualTheTwoPhasePath(int nr, int map) {
        ConvShape s = new ConvShape(24, map, map, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        int tiles = (map / 2) * (map / 2);
        assertFalse(Conv2dWinograd.runsFused((tiles + nr - 1) / nr, 16, s.inC(), s.outC(), nr), "one image");
        assertTrue(Conv2dWinograd.runsFused((3 * tiles + nr - 1) / nr, 16, s.inC(), s.outC(), nr), "three: fused");
        Conv2dGemmTest.Case c = new Conv2dGemmTest.Case(s, 8);
        Conv2dKernel kernel = new Conv2dWinograd(c.w, c.bias, s.outC(), s.inC(), 3, 2, Activation.RELU,
                new SgemmScalarKernel(nr, true), new WinogradScalarTransforms(nr / 2));
        c.check(kernel, Activation.RELU, POOL, Tolerance.SCALED);
        Conv2dGemmTest.assertBatchEqualsSingleImages(kernel, s, random(new Random(4), 3 * s.inSize()), 3, POOL);
    }

    /**
     * Fused tasks that pad their own tiles (32-column tiles, whatever this machine's): tiles in runs that cross tile
     * rows and images, pads that differ per side, partial tiles; against the reference, and a batch (fused) against
     * its images one by one (two phases where an image has too few tiles), bit for bit.
     */
    @ParameterizedTest
    @MethodSource("fusedShapes")
    void fusedTasksPadTheirOwnTiles(ConvShape s, int m, int batch) {
        assertTrue(Conv2dWinograd.padsPerTask(32));
        assertFalse(Conv2dWinograd.padsPerTask(16));
        int alpha = m + 2;
        int tiles = batch * ((s.outH() + m - 1) / m) * ((s.outW() + m - 1) / m);
        assertTrue(Conv2dWinograd.runsFused((tiles + 31) / 32, alpha * alpha, s.inC(), s.outC(), 32));
        Random rnd = new Random(s.hashCode() + batch);
        float[] in = random(rnd, batch * s.inSize());
        float[] w = random(rnd, s.weightSize());
        float[] bias = random(rnd, s.outC());
        Conv2dKernel kernel = new Conv2dWinograd(w, bias, s.outC(), s.inC(), 3, m, Activation.NONE,
                new SgemmScalarKernel(32, true), new WinogradScalarTransforms(16));
        assertEveryImageMatchesTheReference(kernel, s, batch, in, w, bias);
        Conv2dGemmTest.assertBatchEqualsSingleImages(kernel, s, in, batch, POOL);
    }

    /** Runs {@code batch} images of {@code s} through the kernel and checks each against the reference convolution. */
    private static void assertEveryImageMatchesTheReference(Conv2dKernel kernel, ConvShape s, int batch, float[] in,
                                                            float[] w, float[] bias) {
        float[] out = new float[batch * s.outSize()];
        kernel.forward(s, batch, in, 0, out, 0, POOL);
        for (int i = 0; i < batch; i++) {
            float[] expected = new float[s.outSize()];
            Conv2dReference.forward(s, in, i * s.inSize(), w, bias, expected, 0);
            Tolerance.SCALED.assertClose("image " + i, expected, 0, out, i * s.outSize(), s.outSize());
        }
    }

    static Stream<Arguments> fusedShapes() {
        return Stream.of(
                Arguments.of(new ConvShape(8, 20, 20, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1), 2, 3),   // 100 tiles an image
                Arguments.of(new ConvShape(5, 23, 17, 7, 3, 3, 1, 1, 0, 2, 1, 1, 1), 4, 5),    // 6x5 tiles, pads 0/2
                Arguments.of(new ConvShape(4, 40, 40, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1), 6, 3));   // 7x7 partial tiles
    }

    /**
     * (channels, map, m, batch) with 16 output channels, cut into chunks as
     * {@link #chunksAreAsFewAsFitAndOfEqualWidth} and {@link #fusedWhereOneTilesInputFitsInL2WithEnoughTasks} show,
     * for AVX-512's 32-column tiles and AVX2's 16-column ones alike. Two phases: F(6,3) with 288 channels, 2 images of
     * 10x10 tiles in chunks of 112 and 88 columns (AVX2: 104 and 96); F(4,3) with 480 channels, one 60x60 image (15x15
     * tiles) in 128 and 97 columns (AVX2: 120 and 105), chunks that meet inside an image. Fused: F(2,3) with 64
     * channels, 2 images of 60x60 (1800 tiles) in one chunk; F(4,3) with 128 channels, one 72x72 image (18x18 tiles);
     * F(2,3) with 128 channels, 2 images of 130x130 (65x65 tiles, one image's padded input per chunk) in chunks of
     * 4256 and 4194 columns (AVX2: 4240 and 4210).
     */
    static Stream<Arguments> chunkedShapes() {
        return Stream.of(Arguments.of(288, 60, 6, 2), Arguments.of(480, 60, 4, 1), Arguments.of(64, 60, 2, 2),
                Arguments.of(128, 72, 4, 1), Arguments.of(128, 130, 2, 2));
    }

    @ParameterizedTest
    @MethodSource("chunkedShapes")
    void severalChunksGiveTheSameResultAsTheReference(int channels, int map, int m, int batch) {
        ConvShape s = new ConvShape(channels, map, map, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Random rnd = new Random(11);
        float[] in = random(rnd, batch * s.inSize());
        float[] w = random(rnd, s.weightSize());
        Conv2dKernel kernel = new Conv2dWinograd(w, null, s.outC(), s.inC(), 3, m, Activation.NONE, Simd.sgemmKernel(), Simd.winogradTransforms());
        // Each chunk pads only the rows its tiles read: poison the calling thread's padded buffer, so that a tile
        // reading a row its chunk did not write shows as NaN instead of as the previous chunk's (correct) values.
        java.util.Arrays.fill(ConvScratch.forCurrentThread().padded(batch * channels * (map + 8) * (map + 8)), Float.NaN);
        assertEveryImageMatchesTheReference(kernel, s, batch, in, w, null);
    }

    @Test
    void fusedWhereOneTilesInputFitsInL2WithEnoughTasks() {
        // VGG16's conv1_2 (64 -> 64, F(6,3), 64 xis, 38x38 tiles, 46 column tiles) and conv2_2 (128 -> 128, F(4,3),
        // 36 xis, 25 column tiles, 2.4 MB of transformed weights).
        assertTrue(Conv2dWinograd.runsFused(46, 64, 64, 64, 32));
        assertTrue(Conv2dWinograd.runsFused(91, 64, 64, 64, 16));
        assertTrue(Conv2dWinograd.runsFused(25, 36, 128, 128, 32));
        assertFalse(Conv2dWinograd.runsFused(3, 36, 64, 64, 32), "3 tasks");
        assertTrue(Conv2dWinograd.runsFused(4, 36, 64, 64, 32));
        assertFalse(Conv2dWinograd.runsFused(7, 36, 128, 128, 32), "2.4 MB of weights and 7 tasks");
        assertTrue(Conv2dWinograd.runsFused(8, 36, 128, 128, 32));
        assertFalse(Conv2dWinograd.runsFused(49, 36, 128, 256, 32), "4.7 MB of weights");
        assertFalse(Conv2dWinograd.runsFused(25, 36, 256, 64, 32), "V of one tile exceeds L2");
        assertTrue(Conv2dWinograd.runsFused(25, 36, 256, 64, 16), "AVX2's tiles: half the V");
        // conv1_2's image: 64 channels of 230x230 padded (3.4M floats) per chunk; at batch 8 eight chunks of 1444
        // columns rounded up to whole tiles.
        assertEquals(1472, Conv2dWinograd.fusedChunkColumns(1444, 1444, 64L * 230 * 230, 32));
        assertEquals(1472, Conv2dWinograd.fusedChunkColumns(11552, 1444, 64L * 230 * 230, 32));
        assertEquals(1456, Conv2dWinograd.fusedChunkColumns(11552, 1444, 64L * 230 * 230, 16));
        // Small images: as many whole images as fit in 4M floats (ResNet-50's 56x56 layer, 196 tiles, 58x58 padded:
        // 19 images), so batch 8 is one chunk.
        assertEquals(1568, Conv2dWinograd.fusedChunkColumns(1568, 196, 64L * 58 * 58, 32));
        assertEquals(3744, Conv2dWinograd.fusedChunkColumns(7448, 196, 64L * 58 * 58, 32), "38 images: 2 chunks");
        // The chunked shapes below: 128 channels of F(2,3) on 130x130 (132x132 padded), one image per chunk.
        assertEquals(4256, Conv2dWinograd.fusedChunkColumns(8450, 4225, 128L * 132 * 132, 32));
        assertEquals(4240, Conv2dWinograd.fusedChunkColumns(8450, 4225, 128L * 132 * 132, 16));
        assertFalse(Conv2dWinograd.runsFused(13, 64, 288, 16, 16), "two phases for the F(6,3) chunked shape");
        assertFalse(Conv2dWinograd.runsFused(15, 36, 480, 16, 16), "and for the F(4,3) one");
    }

    @Test
    void chunksAreAsFewAsFitAndOfEqualWidth() {
        // At most 2M floats of transformed input (xis x inC per column) where the transformed weights (xis x inC x
        // outC) exceed L2, widths in half tiles of nr = 32 or 16.
        assertEquals(1808, Conv2dWinograd.chunkColumns(1800, 16, 64, 512, 32), "F(2,3), 64 channels: fit 2048");
        assertEquals(1472, Conv2dWinograd.chunkColumns(4400, 16, 64, 512, 32), "4400 columns: 3 chunks");
        assertEquals(208, Conv2dWinograd.chunkColumns(196, 36, 256, 256, 32), "VGG16's conv3_2 as F(4,3): fit 227");
        assertEquals(112, Conv2dWinograd.chunkColumns(100, 64, 256, 256, 32), "and as F(6,3): fit 128");
        assertEquals(64, Conv2dWinograd.chunkColumns(49, 36, 512, 512, 32), "VGG16's 28x28 layers: all 49 in one chunk");
        assertEquals(56, Conv2dWinograd.chunkColumns(49, 36, 512, 512, 16), "the same with AVX2's tiles");
        assertEquals(32, Conv2dWinograd.chunkColumns(100, 64, 4096, 64, 32), "fewer than one tile fit: a whole tile");
        assertEquals(496, Conv2dWinograd.chunkColumns(1444, 64, 64, 128, 32), "524K weights: fit 512, 3 chunks");
        assertEquals(128, Conv2dWinograd.chunkColumns(225, 36, 480, 16, 32), "the chunked F(4,3) shape: fit 121");
        assertEquals(120, Conv2dWinograd.chunkColumns(225, 36, 480, 16, 16), "and with AVX2's tiles");
        assertEquals(112, Conv2dWinograd.chunkColumns(200, 64, 288, 16, 32), "the chunked F(6,3) shape: fit 113");
        assertEquals(104, Conv2dWinograd.chunkColumns(200, 64, 288, 16, 16), "and with AVX2's tiles");
        // Weights that fit in L2 (at most 256K floats transformed): chunks of at most 512K floats.
        assertEquals(128, Conv2dWinograd.chunkColumns(1444, 64, 64, 64, 32), "conv1_2's shape unfused: fit 128");
        assertEquals(112, Conv2dWinograd.chunkColumns(100, 64, 64, 64, 32), "one chunk when all fit even so");
    }

    @Test
    void supportsOnlyUngroupedUnitStrideSquareKernels() {
        assertTrue(Conv2dWinograd.supports(new ConvShape(4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1)));
        assertFalse(Conv2dWinograd.supports(new ConvShape(4, 8, 8, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1)));
        assertFalse(Conv2dWinograd.supports(new ConvShape(4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 2, 2, 1)));
        assertFalse(Conv2dWinograd.supports(new ConvShape(4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2)));
        assertFalse(Conv2dWinograd.supports(new ConvShape(4, 8, 8, 4, 3, 5, 1, 1, 1, 1, 1, 1, 1)));
        assertFalse(Conv2dWinograd.supports(new ConvShape(4, 8, 8, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1)));
        assertFalse(Conv2dWinograd.supports(new ConvShape(4, 9, 9, 4, 8, 8, 1, 1, 0, 0, 1, 1, 1)));
        Conv2dKernel kernel = new Conv2dWinograd(new float[4 * 4 * 9], null, 4, 4, 3, 2, Activation.NONE, Simd.sgemmKernel(), Simd.winogradTransforms());
        ConvShape strided = new ConvShape(4, 8, 8, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> kernel.forward(strided, new float[256], 0,
                new float[64], 0, Parallel.SERIAL));
        assertThrows(IllegalArgumentException.class,
                () -> new Conv2dWinograd(new float[17], null, 2, 1, 3, 2, Activation.NONE, Simd.sgemmKernel(), Simd.winogradTransforms()));
    }
}
