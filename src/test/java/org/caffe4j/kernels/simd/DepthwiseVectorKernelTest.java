package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.caffe4j.kernels.conv.DepthwiseRowKernel;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector depthwise row at each widest vector width (so the test does not depend on the host's) against its
 * scalar twin, bit for bit: every row width 1-70 (whole vectors, the recomputed last vector, the narrower vectors
 * and the scalar rows), 3x3 and 1x5 taps, each activation, with guard values on both sides of the row that must
 * stay untouched.
 */
@Timeout(30)
class DepthwiseVectorKernelTest {
    private static final float GUARD = 1234.5f;

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void everyRowWidthMatchesTheScalarTwinBitForBit(int widestBits) {
        DepthwiseVectorKernel vector = new DepthwiseVectorKernel(widestBits);
        DepthwiseScalarKernel scalar = new DepthwiseScalarKernel();
        Random rnd = new Random(widestBits);
        for (int n = 1; n <= 70; n++) {
            int phaseWidth = n + 6;
            int[][] tapSets = {{0, 1, 2, phaseWidth, phaseWidth + 1, phaseWidth + 2, 2 * phaseWidth,
                    2 * phaseWidth + 1, 2 * phaseWidth + 2}, {0, 1, 2, 3, 4}};
            for (int[] taps : tapSets) {
                float[] src = new float[3 * phaseWidth + 5 + 10];
                for (int i = 0; i < src.length; i++) {
                    src[i] = (float) rnd.nextGaussian();
                }
                float[] w = new float[taps.length + 3];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) rnd.nextGaussian();
                }
                float bias = (float) rnd.nextGaussian();
                float[][] activations = {{0, 0}, {1, 0}, {1, 0.25f}};
                for (float[] act : activations) {
                    boolean relu = act[0] == 1;
                    float[] expected = run(scalar, src, taps, w, bias, relu, act[1], n);
                    float[] actual = run(vector, src, taps, w, bias, relu, act[1], n);
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                                widestBits + " bits, n=" + n + ", " + taps.length + " taps, relu=" + relu
                                        + " slope=" + act[1] + ", index " + i);
                    }
                }
            }
        }
    }

    private static float[] run(DepthwiseRowKernel kernel, float[] src, int[] taps,
                               float[] w, float bias, boolean relu, float slope, int n) {
        float[] out = new float[n + 6];
        Arrays.fill(out, GUARD);
        kernel.row(src, 3, taps, w, 2, bias, relu, slope, out, 3, n);
        return out;
    }
}
