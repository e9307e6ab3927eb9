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
        float[] bias = new float[lanes + 5];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = rnd.nextFloat() - 0.5f;
        }
        for (Activation act : new Activation[] {Activation.NONE, Activation.RELU, Activation.relu(0.25f)}) {
            for (int biasStride : new int[] {-1, 0, 1}) {
                float[] b = biasStride < 0 ? null : bias;
                int stride = Math.max(biasStride, 0);
                float[] y = new float[m * m * lanes];
                for (int i = 0; i < y.length; i++) {
                    int kind = rnd.nextInt(8);
                    y[i] = kind == 0 ? -0f : kind == 1 ? 0f : kind == 2 ? Float.NaN : kind == 3 ? -bias[3 + i % lanes]
                            : rnd.nextFloat() * 4 - 2;
                }
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
