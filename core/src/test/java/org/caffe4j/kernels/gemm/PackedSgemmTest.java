package org.caffe4j.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.simd.SgemmScalarKernel;
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
                Arguments.of(1, 70, 4200, 20, true, Activation.RELU),          // K sliced, split over A
                Arguments.of(2, 70, 90, 5, false, Activation.NONE),            // few columns (transposed), n < MR
                Arguments.of(1, 1000, 300, 36, true, Activation.RELU),         // few columns, NIN cccp8-like
                Arguments.of(1, 300, 515, 20, true, Activation.RELU),          // few columns, panels packed in parts
                Arguments.of(2, 300, 515, 36, false, Activation.RELU),         // the same, two groups
                Arguments.of(1, 100, 40, 20, true, Activation.relu(0.1f)),     // few columns: 24 instead of 32
                Arguments.of(1, 300, 700, 49, false, Activation.RELU),         // 7 panels: tiles, no bias
                Arguments.of(1, 16, 363, 3025, true, Activation.RELU));        // AlexNet conv1-like: 9 -> 12 B blocks
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
        // Both tile widths, whatever this machine's vectors are: the transposed few-columns path is only taken
        // with 32-wide tiles (AVX-512), and must stay covered on AVX2 machines too.
        for (int width : new int[] {16, 32}) {
            check(groups, m, k, n, withBias, act, new SgemmScalarKernel(width));
            check(groups, m, k, n, withBias, act, new SgemmScalarKernel(width, false));
        }
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

    @ParameterizedTest
    @MethodSource("shapes")
    void imagesTogetherEqualOneByOne(int groups, int m, int k, int n, boolean withBias, Activation act) {
        // n pixels per image, 3 images whose outputs sit 7 floats apart; tiles straddle image boundaries.
        int images = 3;
        int perImage = groups * m * n;
        int stride = perImage + 7;
        Problem[] p = new Problem[images];
        float[] bAll = new float[images * groups * k * n];
        for (int i = 0; i < images; i++) {
            p[i] = new Problem(groups, m, k, n, withBias, 5);
            // Same weights for all (seeded identically), different activations per image.
            Random rnd = new Random(100 + i);
            for (int x = 0; x < groups * k * n; x++) {
                p[i].b[x] = rnd.nextFloat() * 2 - 1;
                bAll[i * groups * k * n + x] = p[i].b[x];
            }
        }
        // B source: column j = image j / n, pixel j % n; row k of group g.
        PanelSource source = (group, k0, kc, j0, valid, width, dst, dstOff) -> {
            for (int kk = 0; kk < kc; kk++) {
                for (int q = 0; q < width; q++) {
                    int j = j0 + q;
                    dst[dstOff + kk * width + q] = q < valid
                            ? bAll[(j / n) * groups * k * n + group * k * n + (k0 + kk) * n + j % n] : 0f;
                }
            }
        };
        SgemmMicroKernel[] kernels = {Simd.sgemmKernel(), new SgemmScalarKernel(32), new SgemmScalarKernel(16, false)};
        for (int run = 0; run < 2 * kernels.length; run++) {
            Parallel par = run % 2 == 0 ? Parallel.SERIAL : POOL;
            SgemmMicroKernel kernel = kernels[run / 2];
            float[] together = new float[2 + images * stride];
            PackedSgemm.multiplyImages(p[0].packed, source, images, n, together, 2, stride, act, par, kernel);
            for (int i = 0; i < images; i++) {
                float[] alone = p[i].run(act, Parallel.SERIAL, kernel);
                Tolerance.EXACT.assertClose("image " + i, alone, 5, together, 2 + i * stride, perImage);
            }
            Tolerance.EXACT.assertClose("gap after image 0", new float[7], 0, together, 2 + perImage, 7);
        }
    }

    @Test
    void fewColumnsPathIsTakenOnlyWhereItPadsLess() {
        int nr = 32; // AVX-512's tile width
        PackedWeights w = new Problem(1, 200, 300, 36, true, 1).packed;
        // 36 columns: 5 panels of 8 (40) against a tile and a half tile (48). The shape tests above that run these
        // sizes one image at a time and three together compare the two paths bit for bit.
        assertTrue(PackedSgemm.usesFewColumnsPath(w, 36, nr, true, false));
        assertTrue(PackedSgemm.usesFewColumnsPath(w, 5, nr, true, false));       // 8 against a half tile of 16
        for (int n : new int[] {17, 22, 24, 33, 37, 40}) {  // SgemmVectorKernelTest's 12-column panel shapes
            assertTrue(PackedSgemm.usesFewColumnsPath(w, n, 32, true, false), "n = " + n);
        }
        assertFalse(PackedSgemm.usesFewColumnsPath(w, 49, nr, true, false));     // 7 panels: too many
        assertFalse(PackedSgemm.usesFewColumnsPath(w, 196, nr, true, false));    // ResNet-50's 14x14: 200 vs 208
        assertFalse(PackedSgemm.usesFewColumnsPath(w, 3 * 36, nr, true, false)); // 112 either way
        assertFalse(PackedSgemm.usesFewColumnsPath(w, 2 * nr, nr, true, false)); // no padding to save
        assertFalse(PackedSgemm.usesFewColumnsPath(w, 300, nr, true, false));    // more columns than rows
        assertFalse(PackedSgemm.usesFewColumnsPath(new Problem(1, 70, 4200, 20, true, 1).packed, 20, nr, true,
                false)); // K sliced
        // AVX2's 16-wide tiles pad to multiples of 8 like the panels do: never worth transposing.
        for (int n = 1; n < 200; n++) {
            assertFalse(PackedSgemm.usesFewColumnsPath(w, n, 16, true, false), "n = " + n);
        }
        // Without half tiles (JDK 17 on AVX2) a remainder of up to 8 costs a whole 16-wide tile: 36 columns are
        // 48 in tiles, 40 in panels.
        assertTrue(PackedSgemm.usesFewColumnsPath(w, 36, 16, false, false));
        assertFalse(PackedSgemm.usesFewColumnsPath(w, 44, 16, false, false)); // 48 either way
        // Where the kernel's narrow sums pay, a remainder of up to 4 columns costs only those: 36 are 36 in tiles.
        assertFalse(PackedSgemm.usesFewColumnsPath(w, 36, 16, false, true));
        assertFalse(PackedSgemm.usesFewColumnsPath(w, 36, 16, true, true));
        assertTrue(PackedSgemm.usesFewColumnsPath(w, 37, 16, false, true)); // 5 left: a padded tile, 48 against 40
        assertTrue(SgemmMicroKernel.endsInHalfTile(36, 16, true));    // 4 left: an 8-wide half tile
        assertFalse(SgemmMicroKernel.endsInHalfTile(36, 16, false));  // ... or a padded full one
        assertFalse(SgemmMicroKernel.endsInHalfTile(44, 16, true));   // 12 left: more than half
        assertFalse(SgemmMicroKernel.endsInHalfTile(32, 16, true));   // nothing left
    }

    @Test
    void bSplitsIntoAMultipleOfFourTasksWhereItCan() {
        assertEquals(8, PackedSgemm.evenSplit(95, 11, 1));  // 9 blocks of 11 -> 12 of 8 (the last 7)
        assertEquals(11, PackedSgemm.evenSplit(95, 11, 4)); // 4 x 9 tasks already a multiple of 4
        assertEquals(16, PackedSgemm.evenSplit(190, 22, 1)); // AVX2's tiles: 9 blocks -> 12
        assertEquals(16, PackedSgemm.evenSplit(190, 22, 3)); // 3 x 9 tasks -> 3 x 12
        assertEquals(3, PackedSgemm.evenSplit(9, 3, 1));    // 3 blocks, and no split of 9 tiles into 4 to 6
        for (int tiles = 1; tiles < 300; tiles++) {
            for (int tpt = 1; tpt <= tiles; tpt++) {
                int even = PackedSgemm.evenSplit(tiles, tpt, 1);
                int blocks = (tiles + tpt - 1) / tpt;
                int evenBlocks = (tiles + even - 1) / even;
                assertTrue(even <= tpt && evenBlocks <= Math.max(2 * blocks, blocks), tiles + " / " + tpt);
                assertTrue(even == tpt || evenBlocks % PackedSgemm.TASK_MULTIPLE == 0, tiles + " / " + tpt);
            }
        }
    }

    @Test
    void fusedReluGivesPositiveZeroLikeCaffe() {
        // Rows of weights -1 against positive activations: every output is negative before the ReLU.
        // 8 x 40 takes the normal path; 48 x 20 the few-columns one with 32-wide tiles, and with 16-wide ones the
        // narrow last tile (4 columns) where it pays.
        for (int[] size : new int[][] {{8, 40}, {48, 20}}) {
            int rows = size[0], n = size[1];
            float[] a = new float[rows * 4];
            java.util.Arrays.fill(a, -1f);
            float[] b = new float[4 * n];
            java.util.Arrays.fill(b, 0.5f);
            PackedWeights w = PackedWeights.pack(a, 0, 1, rows, 4, null);
            for (SgemmMicroKernel kernel : new SgemmMicroKernel[] {Simd.sgemmKernel(), Simd.scalarSgemmKernel()}) {
                float[] c = new float[rows * n];
                PackedSgemm.multiply(w, new RowMajorPanels(b, 0, n, 0), n, c, 0, Activation.RELU, Parallel.SERIAL,
                        kernel);
                for (float v : c) {
                    assertEquals(0, Float.floatToRawIntBits(v), "expected +0, got " + v);
                }
            }
        }
    }

    static Stream<Arguments> packingKernelsAndWidths() {
        // Widths that are the kernel's tile (its copyTileRows moves them) and one that is not (row by row copies).
        return Stream.of(Simd.sgemmKernel(), Simd.scalarSgemmKernel()).flatMap(k ->
                Stream.of(Arguments.of(k, k.nr()), Arguments.of(k, 8)));
    }

    @ParameterizedTest
    @MethodSource("packingKernelsAndWidths")
    void rowMajorPackTilesEqualsTileByTilePacking(SgemmMicroKernel kernel, int width) {
        // Two groups, rows 37 floats apart (not a multiple of the tile width), a source offset, and a slice of K
        // that starts past row 0: every packed value must come from the same place as in PanelSource.pack.
        Random rnd = new Random(13);
        int rows = 11;
        int rowStride = 4 * width + 37;
        int groupStride = rows * rowStride + 5;
        float[] data = new float[3 + 2 * groupStride];
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextFloat() - 0.5f;
        }
        RowMajorPanels source = new RowMajorPanels(data, 3, rowStride, groupStride);
        PanelSource tileByTile = source::pack;
        int tiles = 4;
        int k0 = 2;
        int kc = 7;
        for (int group = 0; group < 2; group++) {
            for (int j0 : new int[] {0, 1, 5}) {
                float[] expected = new float[tiles * kc * width + 2];
                float[] actual = new float[expected.length];
                java.util.Arrays.fill(expected, 42f);
                java.util.Arrays.fill(actual, 42f);
                tileByTile.packTiles(group, k0, kc, j0, tiles, width, expected, 1, kernel);
                source.packTiles(group, k0, kc, j0, tiles, width, actual, 1, kernel);
                assertArrayEquals(expected, actual, "group " + group + ", j0 " + j0);
                assertEquals(data[3 + group * groupStride + (k0 + 1) * rowStride + j0 + width + 2],
                        actual[1 + kc * width + width + 2], "tile 1, row 1, column 2");
            }
        }
    }

    @Test
    void rowMajorPanelsOfSeveralImagesReadEachColumnFromItsImage() {
        // Three images of 13 columns (a tile of 8 spans two, or three with width 16), two groups, image stride
        // larger than an image: each packed value must be element (group, k, pixel) of image j / 13.
        Random rnd = new Random(21);
        int columns = 13;
        int rows = 5;
        int groupStride = rows * columns;
        int imageStride = 2 * groupStride + 4;
        float[] data = new float[2 + 3 * imageStride];
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextFloat() - 0.5f;
        }
        RowMajorPanels source = new RowMajorPanels(data, 2, columns, groupStride, columns, imageStride);
        int n = 3 * columns;
        for (int width : new int[] {8, 16}) {
            for (int group = 0; group < 2; group++) {
                int k0 = 1;
                int kc = 3;
                int tiles = (n - 3) / width;
                float[] packed = new float[tiles * kc * width];
                source.packTiles(group, k0, kc, 3, tiles, width, packed, 0, Simd.sgemmKernel());
                float[] tail = new float[kc * width];
                int tailStart = 3 + tiles * width;
                source.pack(group, k0, kc, tailStart, n - tailStart, width, tail, 0);
                for (int kk = 0; kk < kc; kk++) {
                    for (int j = 3; j < n; j++) {
                        float expected = data[2 + (j / columns) * imageStride + group * groupStride
                                + (k0 + kk) * columns + j % columns];
                        float actual = j < tailStart
                                ? packed[((j - 3) / width) * kc * width + kk * width + (j - 3) % width]
                                : tail[kk * width + j - tailStart];
                        assertEquals(expected, actual, "width " + width + ", group " + group + ", row " + kk
                                + ", column " + j);
                    }
                    for (int j = n - tailStart; j < width; j++) {
                        assertEquals(0f, tail[kk * width + j], "padding of the last tile");
                    }
                }
            }
        }
    }

    @Test
    void rejectsTooShortOutput() {
        Problem p = new Problem(1, 8, 8, 8, false, 1);
        assertThrows(IllegalArgumentException.class, () -> PackedSgemm.multiply(p.packed,
                new RowMajorPanels(p.b, 0, 8, 0), 8, new float[63], 0, Activation.NONE, Parallel.SERIAL, Simd.sgemmKernel()));
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
