package org.caffe4j.kernels.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The running-sum ACROSS_CHANNELS LRN (vector and scalar) against LrnReference, block by block. */
class LrnAcrossChannelsTest {
    record Case(int channels, int plane, int size, float alpha, float beta, float k, long seed) {
        float[] input() {
            Random rnd = new Random(seed);
            float[] x = new float[channels * plane];
            for (int i = 0; i < x.length; i++) {
                // Activations of mixed magnitude, so the running sum adds and removes large and small squares.
                x[i] = (rnd.nextFloat() * 2 - 1) * (rnd.nextInt(4) == 0 ? 20f : 1f);
            }
            return x;
        }

        float[] reference() {
            float[] out = new float[channels * plane];
            LrnReference.acrossChannels(input(), 0, out, 0, channels, plane, size, alpha, beta, k);
            return out;
        }

        /** All blocks, in reverse order, at offsets inside longer arrays with dirty output. */
        float[] fast(LrnWindowKernel kernel) {
            float[] in = new float[channels * plane + 3];
            System.arraycopy(input(), 0, in, 3, channels * plane);
            float[] out = new float[channels * plane + 5];
            Arrays.fill(out, Float.NaN);
            for (int b = LrnAcrossChannels.blocks(plane) - 1; b >= 0; b--) {
                LrnAcrossChannels.forwardBlock(in, 3, out, 2, channels, plane, b, size, alpha, beta, k, kernel);
            }
            return Arrays.copyOfRange(out, 2, 2 + channels * plane);
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int[] sizes = {1, 3, 5, 7, 9};
        float[] betas = {0.75f, 0.75f, 0.5f, 1.3f};
        for (int seed = 0; seed < 16; seed++) {
            Random rnd = new Random(seed);
            int channels = 1 + rnd.nextInt(seed < 8 ? 6 : 40);
            int plane = 1 + rnd.nextInt(seed < 8 ? 40 : 3100);
            cases.add(Arguments.of(new Case(channels, plane, sizes[rnd.nextInt(sizes.length)],
                    0.0001f + rnd.nextFloat() * 2, betas[seed % betas.length], 1 + rnd.nextInt(3), seed)));
        }
        cases.add(Arguments.of(new Case(96, 55 * 55, 5, 0.0001f, 0.75f, 1f, 100))); // AlexNet norm1
        cases.add(Arguments.of(new Case(256, 27 * 27, 5, 0.0001f, 0.75f, 2f, 101))); // CaffeNet norm2
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void vectorKernelMatchesReference(Case c) {
        Tolerance.APPROX.assertClose("vector vs reference", c.reference(), c.fast(Simd.lrnKernel()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void scalarKernelMatchesReference(Case c) {
        Tolerance.APPROX.assertClose("scalar vs reference", c.reference(), c.fast(Simd.scalarLrnKernel()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void vectorAndScalarAreBitIdentical(Case c) {
        assertArrayEquals(c.fast(Simd.scalarLrnKernel()), c.fast(Simd.lrnKernel()));
    }
}
