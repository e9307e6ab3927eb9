package org.caffe4j.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.simd.KernelSet;
import org.caffe4j.kernels.simd.Simd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every convolution kernel writes exactly its output range when given an output offset, and the same bits as at
 * offset 0: the planner places the tops a Concat joins side by side in the concat's buffer, so a kernel that wrote
 * past its end (a whole last vector, a padded tile) would overwrite its neighbour's values.
 */
class ConvOutputOffsetTest {
    private static final ThreadPoolParallel POOL = new ThreadPoolParallel(2);
    /** A value no kernel computes here (outputs are sums of products of values below 1 in magnitude). */
    private static final float UNTOUCHED = 12345.5f;

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Stream<Arguments> kernels() {
        List<Arguments> cases = new ArrayList<>();
        for (KernelSet k : List.of(Simd.kernels(), Simd.twins())) {
            String set = k == Simd.twins() ? "twins" : "kernels";
            // Maps whose width is no multiple of a vector or tile, so every kernel's edge code runs.
            add(cases, set + " im2col 3x3", new ConvShape(5, 13, 11, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                    (w) -> new Conv2dIm2colGemm(w.w, w.b, 19, 5, 3, 3, 1, Activation.RELU, k.sgemm()));
            add(cases, set + " im2col grouped stride 2", new ConvShape(8, 15, 15, 12, 3, 3, 2, 2, 1, 1, 1, 1, 2),
                    (w) -> new Conv2dIm2colGemm(w.w, w.b, 12, 4, 3, 3, 2, Activation.NONE, k.sgemm()));
            add(cases, set + " pointwise", new ConvShape(24, 7, 9, 37, 1, 1, 1, 1, 0, 0, 1, 1, 1),
                    (w) -> new Conv2dPointwiseGemm(w.w, w.b, 37, 24, 1, Activation.RELU, k.sgemm()));
            add(cases, set + " depthwise", new ConvShape(16, 11, 13, 16, 3, 3, 1, 1, 1, 1, 1, 1, 16),
                    (w) -> new Conv2dDepthwise(w.w, w.b, 16, 3, 3, 16, Activation.RELU, k.depthwise()));
            for (int m : new int[] {2, 4, 6}) {
                add(cases, set + " winograd F" + m, new ConvShape(16, 17, 15, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                        (w) -> new Conv2dWinograd(w.w, w.b, 40, 16, 3, m, Activation.RELU, k.sgemm(), k.winograd()));
            }
            // One half tile of columns with a short last panel: the transposed path.
            add(cases, set + " winograd transposed", new ConvShape(16, 6, 6, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                    (w) -> new Conv2dWinograd(w.w, w.b, 40, 16, 3, 2, Activation.RELU, k.sgemm(), k.winograd()));
            add(cases, set + " grouped winograd", new ConvShape(16, 13, 13, 32, 3, 3, 1, 1, 1, 1, 1, 1, 2),
                    (w) -> new Conv2dGroupedWinograd(w.w, w.b, 32, 16, 2, 3, 4, Activation.RELU, k.sgemm(),
                            k.winograd()));
            add(cases, set + " space-to-depth", new ConvShape(3, 31, 31, 24, 5, 5, 2, 2, 0, 0, 1, 1, 1),
                    (w) -> new Conv2dSpaceToDepth(w.w, w.b, 24, 3, 5, 2, 2, Activation.RELU, k.sgemm(),
                            k.winograd()));
        }
        return cases.stream();
    }

    private record Weights(float[] w, float[] b) {
    }

    private static void add(List<Arguments> cases, String name, ConvShape s, Function<Weights, Conv2dKernel> make) {
        cases.add(Arguments.of(name, s, make));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void writesOnlyItsOutputAtAnyOffset(String name, ConvShape s, Function<Weights, Conv2dKernel> make) {
        Random r = new Random(name.hashCode());
        Conv2dKernel kernel = make.apply(new Weights(values(r, s.weightSize()), values(r, s.outC())));
        int batch = 1;
        float[] in = values(r, s.inSize());
        float[] alone = new float[s.outSize()];
        kernel.forward(s, batch, in, 0, alone, 0, POOL);
        for (int offset : new int[] {1, 37, s.outSize()}) {
            // A buffer with room before and after, as a concat's buffer holds the other tops there.
            float[] joined = new float[offset + s.outSize() + 100];
            java.util.Arrays.fill(joined, UNTOUCHED);
            kernel.forward(s, batch, in, 0, joined, offset, POOL);
            for (int i = 0; i < joined.length; i++) {
                boolean own = i >= offset && i < offset + s.outSize();
                if (own) {
                    assertEquals(Float.floatToRawIntBits(alone[i - offset]), Float.floatToRawIntBits(joined[i]),
                            name + ": output " + (i - offset) + " at offset " + offset);
                } else {
                    assertEquals(UNTOUCHED, joined[i], name + ": wrote index " + i + " outside its output ["
                            + offset + ", " + (offset + s.outSize()) + ")");
                }
            }
        }
    }

    private static float[] values(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }
}
