package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.conv.WinogradMatrices;
import org.caffe4j.kernels.conv.WinogradTransformKernel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The output stores of the Winograd transforms, vector kernel against scalar twin, compared as raw bits (so -0 and
 * NaN count): {@code storeValid} writes exactly the valid rows and columns of each lane and nothing else, with the
 * values {@code store} writes for a complete tile.
 */
class WinogradStoreTest {
    private static final WinogradTransformKernel VECTOR = Simd.winogradTransforms();
    private static final WinogradTransformKernel SCALAR = Simd.scalarWinogradTransforms();
    private static final float UNTOUCHED = Float.intBitsToFloat(0x7fa00001); // a NaN no computation produces

    @ParameterizedTest
    @CsvSource({"2, 3", "3, 3", "4, 3", "6, 3", "4, 5"})
    void validPartsMatchTheScalarTwinAndTheFullStore(int m, int r) {
        WinogradMatrices w = WinogradMatrices.of(m, r);
        int lanes = VECTOR.lanes();
        assertEquals(lanes, SCALAR.lanes());
        Random rnd = new Random(m * 31 + r);
        int rowStride = lanes * m + 3;
        int[] laneBase = new int[lanes + 2];
        for (int l = 0; l < lanes; l++) {
            laneBase[2 + l] = l * m + (l % 2) * m * rowStride; // tiles side by side, every other one a tile row down
        }
        float[] bias = randomBias(rnd, lanes + 5);
        for (Activation act : new Activation[] {Activation.NONE, Activation.RELU, Activation.relu(0.25f)}) {
            for (int biasStride : new int[] {-1, 0, 1}) {
                float[] b = biasStride < 0 ? null : bias;
                int stride = Math.max(biasStride, 0);
                float[] y = randomSums(rnd, m * m * lanes, bias, 3, lanes);
                int[] valid = new int[lanes + 1];
                for (int l = 0; l < lanes; l++) {
                    valid[1 + l] = l == 0 ? m * 16 + m : l == 1 ? 0 : (1 + rnd.nextInt(m)) * 16 + 1 + rnd.nextInt(m);
                }
                int size = 2 * m * rowStride + 8;
                float[] vectorOut = filled(size);
                float[] scalarOut = filled(size);
                VECTOR.storeValid(w, y.clone(), b, 3, stride, act, vectorOut, 4, rowStride, laneBase, 2, valid, 1);
                SCALAR.storeValid(w, y.clone(), b, 3, stride, act, scalarOut, 4, rowStride, laneBase, 2, valid, 1);
                String what = "F(" + m + "," + r + ") " + act + " bias stride " + biasStride;
                assertBitsEqual(what + ": vector vs scalar", scalarOut, vectorOut);
                float[] full = filled(size);
                VECTOR.store(w, y.clone(), b, 3, stride, act, full, 4, rowStride, laneBase, 2);
                for (int l = 0; l < lanes; l++) {
                    int v = valid[1 + l];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < m; j++) {
                            int at = 4 + laneBase[2 + l] + i * rowStride + j;
                            boolean inside = i < v >> 4 && j < (v & 15);
                            float expected = inside ? full[at] : UNTOUCHED;
                            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(vectorOut[at]),
                                    what + ": lane " + l + " (" + i + ", " + j + ") valid " + (v >> 4) + "x" + (v & 15));
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code store} against the scalar twin, bit for bit over the whole output (so nothing outside the tiles is
     * written), for lanes whose tiles lie side by side in one output row (stored as whole vectors), the same with one
     * lane a tile further on (scattered), and tiles on alternate rows: every tile size, activation and bias layout.
     */
    @ParameterizedTest
    @CsvSource({"2, 3", "3, 3", "4, 3", "6, 3", "2, 5", "4, 5"})
    void storeMatchesTheScalarTwinWhereverTheLanesTilesLie(int m, int r) {
        WinogradMatrices w = WinogradMatrices.of(m, r);
        int lanes = VECTOR.lanes();
        Random rnd = new Random(m * 17 + r);
        int rowStride = (lanes + 2) * m + 5;
        float[] bias = randomBias(rnd, lanes + 5);
        for (int layout = 0; layout < 3; layout++) {
            int[] laneBase = new int[lanes + 1];
            for (int l = 0; l < lanes; l++) {
                laneBase[1 + l] = m + l * m // side by side from the second tile of a row
                        + (layout == 1 && l == lanes - 1 ? m : 0) // the last lane one tile further on
                        + (layout == 2 ? (l % 2) * m * rowStride : 0); // every other tile a tile row down
            }
            for (Activation act : new Activation[] {Activation.NONE, Activation.RELU, Activation.relu(0.25f)}) {
                for (int biasStride : new int[] {-1, 0, 1}) {
                    float[] b = biasStride < 0 ? null : bias;
                    int stride = Math.max(biasStride, 0);
                    float[] y = randomSums(rnd, m * m * lanes, bias, 2, lanes);
                    int size = 2 * m * rowStride + 9;
                    float[] vectorOut = filled(size);
                    float[] scalarOut = filled(size);
                    VECTOR.store(w, y.clone(), b, 2, stride, act, vectorOut, 3, rowStride, laneBase, 1);
                    SCALAR.store(w, y.clone(), b, 2, stride, act, scalarOut, 3, rowStride, laneBase, 1);
                    assertBitsEqual("F(" + m + "," + r + ") layout " + layout + " " + act + " bias stride "
                            + biasStride, scalarOut, vectorOut);
                    int written = 0;
                    for (float v : vectorOut) {
                        written += Float.floatToRawIntBits(v) == Float.floatToRawIntBits(UNTOUCHED) ? 0 : 1;
                    }
                    assertEquals(lanes * m * m, written, "every output of every tile written, nothing else");
                }
            }
        }
    }

    /**
     * {@code storeValid} against the scalar twin for lanes laid out as the convolution lays them out: consecutive
     * tiles of an output whose last tile column and row are cut short, so a group of lanes crosses tile rows, ends
     * rows with short tiles, reaches the short bottom row, or runs past the last tile (lanes with nothing valid); and
     * lanes side by side in one row with any valid part; every tile size, maps 1 to 5 tiles wide. Only the valid
     * outputs are written.
     */
    @ParameterizedTest
    @CsvSource({"2, 3", "3, 3", "4, 3", "6, 3", "2, 5", "4, 5"})
    void validPartsOfConsecutiveTilesMatchTheScalarTwin(int m, int r) {
        WinogradMatrices w = WinogradMatrices.of(m, r);
        int lanes = VECTOR.lanes();
        Random rnd = new Random(m * 13 + r);
        float[] bias = new float[4];
        for (Activation act : new Activation[] {Activation.NONE, Activation.RELU}) {
            for (int tilesW = 1; tilesW <= 5; tilesW++) {
                int outW = (tilesW - 1) * m + 1 + rnd.nextInt(m); // the last tile column 1..m wide
                int tilesH = 2 + lanes / tilesW;
                int outH = (tilesH - 1) * m + 1 + rnd.nextInt(m);
                int rowStride = Math.max(outW, lanes * m) + 2;
                int tiles = tilesW * tilesH;
                for (int t0 : new int[] {0, tilesW - 1, tiles - lanes / 2 - 1, -1}) {
                    int[] laneBase = new int[lanes];
                    int[] valid = new int[lanes];
                    int expectedWritten = 0;
                    for (int l = 0; l < lanes; l++) {
                        int t = t0 + l;
                        if (t0 < 0) { // side by side in one row, each with any valid part: only that is written
                            laneBase[l] = l * m;
                            valid[l] = (1 + rnd.nextInt(m)) * 16 + 1 + rnd.nextInt(m);
                            expectedWritten += (valid[l] >> 4) * (valid[l] & 15);
                            continue;
                        }
                        if (t >= tiles) {
                            continue; // past the last tile: base 0, nothing valid, as the convolution pads its lanes
                        }
                        int ty = t / tilesW;
                        int tx = t % tilesW;
                        laneBase[l] = ty * m * rowStride + tx * m;
                        int rows = Math.min(m, outH - ty * m);
                        int cols = Math.min(m, outW - tx * m);
                        valid[l] = rows * 16 + cols;
                        expectedWritten += rows * cols;
                    }
                    float[] y = new float[m * m * lanes];
                    for (int i = 0; i < y.length; i++) {
                        y[i] = rnd.nextInt(8) == 0 ? -0f : rnd.nextFloat() * 4 - 2;
                    }
                    int size = 5 + outH * rowStride;
                    float[] vectorOut = filled(size);
                    float[] scalarOut = filled(size);
                    VECTOR.storeValid(w, y.clone(), bias, 1, 0, act, vectorOut, 5, rowStride, laneBase, 0, valid, 0);
                    SCALAR.storeValid(w, y.clone(), bias, 1, 0, act, scalarOut, 5, rowStride, laneBase, 0, valid, 0);
                    String what = "F(" + m + "," + r + ") " + act + " " + tilesW + " tiles wide from tile " + t0;
                    assertBitsEqual(what, scalarOut, vectorOut);
                    int written = 0;
                    for (float v : vectorOut) {
                        written += Float.floatToRawIntBits(v) == Float.floatToRawIntBits(UNTOUCHED) ? 0 : 1;
                    }
                    assertEquals(expectedWritten, written, what + ": the valid outputs and nothing else");
                }
            }
        }
    }

    private static float[] randomBias(Random rnd, int size) {
        float[] bias = new float[size];
        for (int i = 0; i < size; i++) {
            bias[i] = rnd.nextFloat() - 0.5f;
        }
        return bias;
    }

    /**
     * Tile values as the output transform leaves them, with the cases the activation must keep apart: -0, +0, NaN,
     * and the negated bias of the lane's channel (bias[biasOff + i % lanes]), whose sum with the bias is exactly 0.
     */
    private static float[] randomSums(Random rnd, int size, float[] bias, int biasOff, int lanes) {
        float[] y = new float[size];
        for (int i = 0; i < size; i++) {
            int kind = rnd.nextInt(8);
            y[i] = kind == 0 ? -0f : kind == 1 ? 0f : kind == 2 ? Float.NaN : kind == 3 ? -bias[biasOff + i % lanes]
                    : rnd.nextFloat() * 4 - 2;
        }
        return y;
    }

    private static float[] filled(int size) {
        float[] a = new float[size];
        java.util.Arrays.fill(a, UNTOUCHED);
        return a;
    }

    private static void assertBitsEqual(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + " at " + i);
        }
    }
}
