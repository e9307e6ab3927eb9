package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.caffe4j.kernels.conv.WinogradMatrices;
import org.caffe4j.kernels.conv.WinogradTransformKernel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vector input transforms against the scalar twin as raw bits: lanes read
 * tiles scattered over several planes (tile origins in any order, channels at a stride), and the output lands at
 * the right xi, channel and lane of the destination.
 */
class WinogradInputTest {
    @ParameterizedTest
    @CsvSource({"2, 3", "3, 3", "4, 3", "6, 3", "4, 5", "3, 5", "2, 2"})
    void matchTheScalarTwin(int m, int r) {
        WinogradMatrices w = WinogradMatrices.of(m, r);
        int alpha = w.alpha();
        WinogradTransformKernel scalar = Simd.scalarWinogradTransforms();
        int lanes = scalar.lanes();
        Random rnd = new Random(m * 17 + r);
        int rowStride = alpha * 3 + 5;
        int channelStride = rowStride * (alpha * 2 + 1) + 7;
        int channels = 3;
        int srcOff = 11;
        float[] src = new float[srcOff + channels * channelStride];
        for (int i = 0; i < src.length; i++) {
            src[i] = rnd.nextInt(16) == 0 ? -0f : rnd.nextFloat() * 8 - 4;
        }
        int[] base = new int[lanes + 2];
        for (int l = 0; l < lanes; l++) {
            // Tile origins out of order and overlapping, anywhere the whole tile fits in its channel's plane.
            base[2 + l] = rnd.nextInt(alpha + 1) * rowStride + rnd.nextInt(rowStride - alpha + 1);
        }
        int dstChannelStride = lanes + 3;
        int xiStride = channels * dstChannelStride + 2;
        int dstOff = 5;
        float[] expected = new float[dstOff + alpha * alpha * xiStride];
        scalar.input(w, src, srcOff, channelStride, rowStride, base, 2, channels, expected, dstOff, xiStride,
                dstChannelStride, new float[scalar.scratchFloats(w)]);
        WinogradTransformKernel vector = new WinogradVectorTransforms();
        assertEquals(lanes, vector.lanes());
        float[] actual = new float[expected.length];
        vector.input(w, src, srcOff, channelStride, rowStride, base, 2, channels, actual, dstOff, xiStride,
                dstChannelStride, new float[vector.scratchFloats(w)]);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    "F(" + m + "," + r + ") at " + i);
        }
    }
}
