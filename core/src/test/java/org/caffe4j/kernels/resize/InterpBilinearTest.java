package org.caffe4j.kernels.resize;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The row-caching Interp kernel gives the reference loop's bits for up-, down- and mixed resampling and crops. */
class InterpBilinearTest {
    @Test
    void tablesGiveTheReferenceBits() {
        Random rnd = new Random(18);
        for (int t = 0; t < 300; t++) {
            int fullH = 1 + rnd.nextInt(12), fullW = 1 + rnd.nextInt(12);
            int crop = Math.min(rnd.nextInt(2), Math.min(fullH, fullW) - 1);
            int inH = fullH - crop - rnd.nextInt(Math.max(1, fullH - crop)), inW = fullW - crop
                    - rnd.nextInt(Math.max(1, fullW - crop));
            int outH = 1 + rnd.nextInt(30), outW = 1 + rnd.nextInt(30);
            float[] in = new float[2 * fullH * fullW];
            for (int i = 0; i < in.length; i++) {
                in[i] = (float) rnd.nextGaussian();
            }
            float[] expected = new float[2 * outH * outW + 3], actual = new float[expected.length];
            InterpBilinear.Tables tables = new InterpBilinear.Tables(inH, inW, outH, outW);
            for (int plane = 0; plane < 2; plane++) {
                InterpBilinear.plane(in, plane * fullH * fullW, fullW, crop, crop, inH, inW, expected,
                        3 + plane * outH * outW, outH, outW);
                tables.plane(in, plane * fullH * fullW, fullW, crop, crop, actual, 3 + plane * outH * outW,
                        new float[2 * outW]);
            }
            assertArrayEquals(expected, actual, "in " + inH + "x" + inW + " (crop " + crop + " of " + fullH + "x"
                    + fullW + ") to " + outH + "x" + outW);
        }
    }
}
