package org.caffe4j.kernels.conv;

import static org.caffe4j.kernels.conv.Conv2dGemmTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.CpuProfile;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Grouped Winograd against {@link Conv2dReference} and against each group's own Winograd kernel. */
class Conv2dGroupedWinogradTest {
    private static final ThreadPoolParallel POOL = new ThreadPoolParallel(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new ConvShape(16, 27, 27, 24, 5, 5, 1, 1, 2, 2, 1, 1, 2), 4),  // AlexNet conv2-like
                Arguments.of(new ConvShape(24, 13, 13, 24, 3, 3, 1, 1, 1, 1, 1, 1, 2), 2),  // conv4-like
                Arguments.of(new ConvShape(24, 13, 13, 16, 3, 3, 1, 1, 1, 1, 1, 1, 2), 4),  // conv5-like
                Arguments.of(new ConvShape(27, 9, 11, 30, 3, 3, 1, 1, 0, 1, 1, 1, 3), 2));  // 3 groups, odd sizes
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void matchesTheReference(ConvShape s, int m) {
        Conv2dGemmTest.Case c = new Conv2dGemmTest.Case(s, 3);
        for (Activation act : new Activation[] {Activation.NONE, Activation.RELU, Activation.relu(0.25f)}) {
            Conv2dKernel kernel = new Conv2dGroupedWinograd(c.w, c.bias, s.outC(), s.inC(), s.group(), s.kH(), m, act,
                    Simd.sgemmKernel(), Simd.winogradTransforms());
            c.check(kernel, act, POOL, Tolerance.SCALED);
        }
        Conv2dKernel plain = new Conv2dGroupedWinograd(c.w, null, s.outC(), s.inC(), s.group(), s.kH(), m,
                Activation.NONE, Simd.sgemmKernel(), Simd.winogradTransforms());
        Tolerance.SCALED.assertClose("no bias", c.expected(null, Activation.NONE), c.run(plain, Parallel.SERIAL));
    }

    /** Each group's channels of a batch are exactly what that group's own Winograd kernel writes for it alone. */
    @ParameterizedTest
    @MethodSource("shapes")
    void eachGroupIsItsOwnWinogradConvolutionBitForBit(ConvShape s, int m) {
        int batch = 2;
        Random rnd = new Random(s.hashCode());
        float[] in = random(rnd, batch * s.inSize());
        float[] w = random(rnd, s.weightSize());
        float[] bias = random(rnd, s.outC());
        Conv2dKernel grouped = new Conv2dGroupedWinograd(w, bias, s.outC(), s.inC(), s.group(), s.kH(), m,
                Activation.RELU, Simd.sgemmKernel(), Simd.winogradTransforms());
        float[] out = new float[batch * s.outSize()];
        grouped.forward(s, batch, in, 0, out, 0, POOL);
        ConvShape g = Conv2dGroupedWinograd.groupShape(s);
        int size = g.weightSize();
        for (int k = 0; k < s.group(); k++) {
            Conv2dKernel alone = new Conv2dWinograd(Arrays.copyOfRange(w, k * size, (k + 1) * size),
                    Arrays.copyOfRange(bias, k * g.outC(), (k + 1) * g.outC()), g.outC(), g.inC(), s.kH(), m,
                    Activation.RELU, Simd.sgemmKernel(), Simd.winogradTransforms());
            for (int i = 0; i < batch; i++) {
                float[] x = Arrays.copyOfRange(in, i * s.inSize() + k * g.inSize(), i * s.inSize() + (k + 1) * g.inSize());
                float[] y = new float[g.outSize()];
                alone.forward(g, x, 0, y, 0, Parallel.SERIAL);
                int at = i * s.outSize() + k * g.outSize();
                assertArrayEquals(y, Arrays.copyOfRange(out, at, at + g.outSize()), s + " group " + k + " image " + i);
            }
        }
    }

    @Test
    void takesGroupedLayersWithEnoughChannelsPerGroupOnly() {
        assertTrue(Conv2dGroupedWinograd.supports(new ConvShape(96, 27, 27, 256, 5, 5, 1, 1, 2, 2, 1, 1, 2)));
        assertTrue(Conv2dGroupedWinograd.supports(new ConvShape(384, 13, 13, 256, 3, 3, 1, 1, 1, 1, 1, 1, 2)));
        assertFalse(Conv2dGroupedWinograd.supports(new ConvShape(96, 27, 27, 256, 5, 5, 1, 1, 2, 2, 1, 1, 1)));
        assertFalse(Conv2dGroupedWinograd.supports(new ConvShape(32, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1, 32)));
        assertFalse(Conv2dGroupedWinograd.supports(new ConvShape(128, 14, 14, 128, 3, 3, 1, 1, 1, 1, 1, 1, 32)));
        assertFalse(Conv2dGroupedWinograd.supports(new ConvShape(96, 27, 27, 256, 5, 5, 2, 2, 2, 2, 1, 1, 2)));
        assertFalse(Conv2dGroupedWinograd.supports(new ConvShape(96, 27, 27, 256, 1, 1, 1, 1, 0, 0, 1, 1, 2)));
        // Groups run one after another: a tile size that gives each too few tiles keeps the layer on im2col.
        // Checked on every named machine profile, whatever this host is.
        ConvShape conv2 = new ConvShape(96, 27, 27, 256, 5, 5, 1, 1, 2, 2, 1, 1, 2);   // AlexNet's: 27x27 maps
        ConvShape conv4 = new ConvShape(384, 13, 13, 384, 3, 3, 1, 1, 1, 1, 1, 1, 2);  // AlexNet's: 13x13 maps
        ConvShape tiny = new ConvShape(384, 5, 5, 384, 3, 3, 1, 1, 1, 1, 1, 1, 2);     // at most 9 tiles
        for (CpuProfile cpu : List.of(CpuProfile.AVX2_JDK17, CpuProfile.AVX2_JDK25, CpuProfile.AVX512_JDK17,
                CpuProfile.AVX512_JDK25, CpuProfile.SCALAR_JDK17)) {
            int m = Conv2dGroupedWinograd.chooseTileSize(conv2, cpu);
            assertEquals(Conv2dWinograd.chooseTileSize(Conv2dGroupedWinograd.groupShape(conv2), cpu), m, "" + cpu);
            assertTrue(m > 0 && ((27 + m - 1) / m) * ((27 + m - 1) / m) >= Conv2dGroupedWinograd.MIN_TILES,
                    cpu + ": F" + m);
            int perGroup = Conv2dWinograd.chooseTileSize(Conv2dGroupedWinograd.groupShape(conv4), cpu);
            int tiles = perGroup == 0 ? 0 : ((13 + perGroup - 1) / perGroup) * ((13 + perGroup - 1) / perGroup);
            assertEquals(tiles >= Conv2dGroupedWinograd.MIN_TILES ? perGroup : 0,
                    Conv2dGroupedWinograd.chooseTileSize(conv4, cpu), cpu + ": a group's F" + perGroup);
            assertEquals(0, Conv2dGroupedWinograd.chooseTileSize(tiny, cpu), "" + cpu);
            assertEquals(0, Conv2dGroupedWinograd.chooseTileSize(new ConvShape(96, 27, 27, 256, 5, 5, 1, 1, 2, 2, 1,
                    1, 1), cpu), "ungrouped, " + cpu);
        }
        Conv2dGroupedWinograd kernel = new Conv2dGroupedWinograd(new float[16 * 8 * 9], null, 16, 16, 2, 3, 2,
                Activation.NONE, Simd.sgemmKernel(), Simd.winogradTransforms());
        assertEquals(2, kernel.tileSize());
        ConvShape ungrouped = new ConvShape(16, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> kernel.forward(ungrouped, new float[16 * 64], 0,
                new float[16 * 64], 0, Parallel.SERIAL));
        assertThrows(IllegalArgumentException.class, () -> new Conv2dGroupedWinograd(new float[17], null, 16, 16, 2,
                3, 2, Activation.NONE, Simd.sgemmKernel(), Simd.winogradTransforms()));
    }
}
