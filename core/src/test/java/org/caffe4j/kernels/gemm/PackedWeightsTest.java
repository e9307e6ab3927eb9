package org.caffe4j.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Packing only moves values: {@link PackedWeights#unpack} gives back the source exactly, in its own layout. */
class PackedWeightsTest {
    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // NaN, infinities and -0 too: the values' bits must come back unchanged.
            v[i] = switch (i % 97) {
                case 5 -> Float.NaN;
                case 6 -> Float.NEGATIVE_INFINITY;
                case 7 -> -0f;
                default -> r.nextFloat() * 2 - 1;
            };
        }
        return v;
    }

    private static void assertBitsEqual(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "value " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 1, 1", "1, 8, 3", "1, 13, 27", "2, 9, 5", "4, 3, 16", "3, 17, 1"})
    void unpackGivesBackRowMajorSourceOfEveryGroup(int groups, int rows, int depth) {
        float[] src = random(groups * rows * depth, rows * 31L + depth);
        float[] bias = random(groups * rows, 3);
        assertBitsEqual(src, PackedWeights.pack(src, 0, groups, rows, depth, bias).unpack());
        assertBitsEqual(src, PackedWeights.pack(src, 0, groups, rows, depth, null).unpack());
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "8, 3", "13, 27", "33, 10"})
    void unpackGivesBackTransposedSourceTransposed(int rows, int depth) {
        float[] src = random(rows * depth, rows * 7L + depth);
        float[] unpacked = PackedWeights.packTransposed(src, 0, rows, depth, null).unpack();
        assertBitsEqual(src, unpacked);
        // and the packing itself read it transposed: same panels as the row-major copy
        float[] rowMajor = new float[rows * depth];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < depth; k++) {
                rowMajor[r * depth + k] = src[k * rows + r];
            }
        }
        assertArrayEquals(PackedWeights.pack(rowMajor, 0, 1, rows, depth, null).data(),
                PackedWeights.packTransposed(src, 0, rows, depth, null).data());
    }

    @ParameterizedTest
    @CsvSource({"1, 8, 3, 16", "2, 13, 27, 32", "3, 40, 5, 32", "1, 1, 1, 16"})
    void channelTilesReplaceThePanelsUntilTheyAreNeededAgain(int groups, int rows, int depth, int nr) {
        float[] src = random(groups * rows * depth, rows * 13L + depth);
        float[] bias = random(groups * rows, 5);
        PackedWeights a = PackedWeights.pack(src, 0, groups, rows, depth, bias);
        float[] panels = a.data().clone();
        long panelFloats = a.heldFloats();
        PackedWeights.ChannelTiles tiles = a.channelTiles(nr);
        assertEquals(tiles.data().length, a.heldFloats(), "only the tiles are held");
        assertBitsEqual(panels, a.data());
        assertEquals(panelFloats + tiles.data().length, a.heldFloats(), "rebuilt panels kept beside the tiles");
        assertBitsEqual(src, a.unpack());
        // The tiles are the same after the rebuild: a second call neither repacks nor drops the panels again.
        assertEquals(tiles, a.channelTiles(nr));
        assertEquals(panelFloats + tiles.data().length, a.heldFloats());
    }

    @ParameterizedTest
    @CsvSource({"1, 1, false", "8, 3, true", "130, 27, false", "300, 5, true", "128, 9, false"})
    void rowBlocksHoldTheSameValuesAsThePanels(int rows, int depth, boolean transposed) {
        float[] src = random(rows * depth, rows * 11L + depth);
        float[] bias = random(rows, 9);
        PackedWeights blocks = PackedWeights.packRowBlocks(src, 0, rows, depth, transposed, bias);
        PackedWeights panels = transposed ? PackedWeights.packTransposed(src, 0, rows, depth, bias)
                : PackedWeights.pack(src, 0, 1, rows, depth, bias);
        int blockFloats = (rows + 127) / 128 * 128 * depth;
        assertEquals(blockFloats, blocks.heldFloats(), "packed straight into blocks: no panels");
        assertBitsEqual(src, blocks.unpack());
        assertEquals(blockFloats, blocks.heldFloats(), "unpacking builds no panels");
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < depth; k++) {
                float expected = transposed ? src[k * rows + r] : src[r * depth + k];
                assertEquals(Float.floatToRawIntBits(expected),
                        Float.floatToRawIntBits(blocks.rowBlocks()[((r / 128) * depth + k) * 128 + r % 128]));
            }
        }
        // Panels rebuilt from the blocks are the packed panels; both are kept from then on.
        assertBitsEqual(panels.data(), blocks.data());
        assertEquals(panels.heldFloats() + blockFloats, blocks.heldFloats());
        // Blocks built from panels drop the panels.
        float[] fromPanels = panels.rowBlocks();
        assertBitsEqual(blocks.rowBlocks(), fromPanels);
        assertEquals(blockFloats, panels.heldFloats());
        assertBitsEqual(src, panels.unpack());
        assertEquals(!containsNonFinite(src), blocks.allFinite());
    }

    @ParameterizedTest
    @CsvSource({"0, true", "5, false", "6, false"})
    void allFiniteIsFalseForAnyInfinityOrNaN(int badAt, boolean finite) {
        float[] src = new float[40];
        for (int i = 0; i < src.length; i++) {
            src[i] = i * 0.25f - 3;
        }
        if (!finite) {
            src[badAt * 3] = badAt == 5 ? Float.NaN : Float.POSITIVE_INFINITY;
        }
        assertEquals(finite, PackedWeights.pack(src, 0, 1, 8, 5, null).allFinite());
        assertEquals(finite, PackedWeights.packRowBlocks(src, 0, 8, 5, true, null).allFinite());
    }

    private static boolean containsNonFinite(float[] v) {
        for (float f : v) {
            if (!Float.isFinite(f)) {
                return true;
            }
        }
        return false;
    }
}
