package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.caffe4j.kernels.conv.DepthwiseRowKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The vector depthwise row against its scalar twin, bit for bit: every row width 1-70, which for any vector length
 * up to 16 lanes covers rows of whole vectors, rows with a recomputed last vector and rows narrower than a vector;
 * 3x3 and 1x5 taps, each activation, with guard values on both sides of the row that must stay untouched.
 */
@Timeout(30)
class DepthwiseVectorKernelTest {
    private static final float GUARD = 1234.5f;

    @Test
    void everyRowWidthMatchesTheScalarTwinBitForBit() {
        DepthwiseVectorKernel vector = new DepthwiseVectorKernel();
        DepthwiseScalarKernel scalar = new DepthwiseScalarKernel();
        Random rnd = new Random(19);
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
                                "n=" + n + ", " + taps.length + " taps, relu=" + relu
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
