package org.caffe4j.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.CpuProfile;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.conv.Conv2dDepthwise;
import org.caffe4j.kernels.conv.Conv2dIm2colGemm;
import org.caffe4j.kernels.conv.Conv2dGroupedWinograd;
import org.caffe4j.kernels.conv.Conv2dSpaceToDepth;
import org.caffe4j.kernels.conv.Conv2dWinograd;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ConvolutionOp's lowered kernels (packed GEMM, direct depthwise) against its reference kernel, batch and fused ReLU
 * included.
 */
class ConvolutionOpTest {
    private static final ThreadPoolParallel POOL = new ThreadPoolParallel(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Stream<Arguments> layers() {
        // numOutput, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, group, biasTerm; input
        return Stream.concat(Stream.of(
                Arguments.of(new ConvolutionOp.Params(12, 3, 3, 1, 1, 1, 1, 1, 1, 1, true), Shape.of(2, 5, 9, 8), null),
                Arguments.of(new ConvolutionOp.Params(16, 1, 1, 1, 1, 0, 0, 1, 1, 1, true), Shape.of(3, 7, 6, 6), 0f),
                Arguments.of(new ConvolutionOp.Params(8, 5, 3, 2, 1, 2, 0, 1, 2, 2, false), Shape.of(2, 4, 11, 12),
                        0.1f),
                Arguments.of(new ConvolutionOp.Params(6, 3, 3, 1, 1, 1, 1, 1, 1, 6, true), Shape.of(1, 6, 7, 7), 0f),
                Arguments.of(new ConvolutionOp.Params(9, 11, 11, 4, 4, 0, 0, 1, 1, 1, true), Shape.of(2, 3, 31, 31),
                        0f),
                // Depthwise (Conv2dDepthwise): stride 2, padding, dilation, multiplier 2, batch > 1, odd sizes.
                Arguments.of(new ConvolutionOp.Params(8, 3, 3, 2, 2, 1, 1, 1, 1, 8, true), Shape.of(2, 8, 27, 29), 0f),
                Arguments.of(new ConvolutionOp.Params(5, 3, 3, 1, 1, 2, 2, 2, 2, 5, false), Shape.of(3, 5, 13, 35),
                        null),
                Arguments.of(new ConvolutionOp.Params(6, 5, 3, 1, 2, 2, 1, 1, 1, 3, true), Shape.of(2, 3, 11, 40),
                        0.1f)).map(a -> Arguments.of(a.get()[0], a.get()[1], a.get()[2], Simd.profile())),
                // Winograd, chosen as on AVX2 with JDK 25 (see kernelChoicePerMachineProfile) whatever the host:
                // 3x3, 5x5, and 11x11 stride 4 rewritten to space-to-depth.
                Stream.of(Arguments.of(WINOGRAD_3X3, Shape.of(2, 128, 13, 13), 0f, CpuProfile.AVX2_JDK25),
                        Arguments.of(WINOGRAD_5X5, Shape.of(2, 64, 27, 27), null, CpuProfile.AVX2_JDK25),
                        Arguments.of(SPACE_TO_DEPTH_11X11, Shape.of(2, 3, 67, 67), 0f, CpuProfile.AVX2_JDK25),
                        Arguments.of(GROUPED_5X5, Shape.of(2, 96, 27, 27), 0f, CpuProfile.AVX2_JDK25)));
    }

    private static final ConvolutionOp.Params WINOGRAD_3X3 =
            new ConvolutionOp.Params(192, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);
    private static final ConvolutionOp.Params WINOGRAD_5X5 =
            new ConvolutionOp.Params(128, 5, 5, 1, 1, 2, 2, 1, 1, 1, false);
    /** AlexNet's conv2 at half the output channels: two groups of 48 -> 64. */
    private static final ConvolutionOp.Params GROUPED_5X5 =
            new ConvolutionOp.Params(128, 5, 5, 1, 1, 2, 2, 1, 1, 2, true);
    private static final ConvolutionOp.Params SPACE_TO_DEPTH_11X11 =
            new ConvolutionOp.Params(48, 11, 11, 4, 4, 0, 0, 1, 1, 1, true);

    @ParameterizedTest
    @MethodSource("layers")
    void loweredKernelMatchesReference(ConvolutionOp.Params p, Shape in, Float slope, CpuProfile cpu) {
        ConvolutionOp op = new ConvolutionOp();
        Context ctx = new Context(p, in, slope, op, new HashMap<>(), cpu);
        float[] input = random(new Random(in.count() + p.numOutput()), (int) in.count());
        int outCount = (int) ctx.outputShapes().get(0).count();
        float[] expected = run(op.reference(p, ctx), input, outCount, Parallel.SERIAL);
        float[] serial = run(op.lower(p, ctx), input, outCount, Parallel.SERIAL);
        float[] pooled = run(op.lower(p, ctx), input, outCount, POOL);
        // Winograd rounds relative to the layer's scale, not to each output (see Tolerance.SCALED).
        Object prepared = ctx.memo.values().iterator().next();
        boolean winograd = prepared instanceof Conv2dWinograd || prepared instanceof Conv2dSpaceToDepth
                || prepared instanceof Conv2dGroupedWinograd;
        (winograd ? Tolerance.SCALED : Tolerance.APPROX).assertClose("lowered vs reference", expected, serial);
        Tolerance.EXACT.assertClose("2 threads vs 1", serial, pooled);
    }

    @Test
    void depthwiseShapesTakeTheDirectKernelOthersTheGemm() {
        assertEquals(Conv2dDepthwise.class, prepared(new ConvolutionOp.Params(6, 3, 3, 1, 1, 1, 1, 1, 1, 6, true),
                Shape.of(1, 6, 7, 7)).getClass());
        assertEquals(Conv2dDepthwise.class, prepared(new ConvolutionOp.Params(12, 3, 3, 2, 2, 1, 1, 1, 1, 6, true),
                Shape.of(1, 6, 7, 7)).getClass()); // multiplier 2
        // Two input channels per group, or enough output channels per group to fill GEMM tiles: packed GEMM.
        assertEquals(Conv2dIm2colGemm.class, prepared(new ConvolutionOp.Params(4, 3, 3, 1, 1, 1, 1, 1, 1, 4, true),
                Shape.of(1, 8, 7, 7)).getClass());
        assertEquals(Conv2dIm2colGemm.class, prepared(new ConvolutionOp.Params(16, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),
                Shape.of(1, 1, 7, 7)).getClass());
    }

    /** NIN's convolutions and smaller ones of the same kinds, each with the kernel every machine profile takes. */
    static Stream<Arguments> kernelChoices() {
        var conv1 = new ConvolutionOp.Params(96, 11, 11, 4, 4, 0, 0, 1, 1, 1, true);
        var conv2 = new ConvolutionOp.Params(256, 5, 5, 1, 1, 2, 2, 1, 1, 1, true);
        var conv3 = new ConvolutionOp.Params(384, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);
        var conv4 = new ConvolutionOp.Params(1024, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);
        var tiny = new ConvolutionOp.Params(4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);
        var alexConv2 = new ConvolutionOp.Params(256, 5, 5, 1, 1, 2, 2, 1, 1, 2, true);
        var alexConv4 = new ConvolutionOp.Params(384, 3, 3, 1, 1, 1, 1, 1, 1, 2, true);
        // Expected kernels in profile order AVX2/JDK 17, AVX2/JDK 25, AVX-512/JDK 17, AVX-512/JDK 25, scalar.
        // - AVX-512: the transforms' vector moves are charged more (CpuProfile.winogradVectorMoveNanos), so on small
        //   maps with few channels they cost more than they save, and so does the space-to-depth rewrite of a
        //   small image; with JDK 17 F(6,3) is out for stride-1 layers, but not for a rewrite (NIN's conv1 takes it
        //   on every profile, see CpuProfile.winogradTileFast). F(4,5) pays off on both.
        // - conv3: with AVX2's 16-wide tiles the GEMM does half the work per instruction, so the transforms weigh
        //   less and F(4,3) wins; with 32-wide tiles F(3,3).
        // - conv4-1024 on a 6x6 map: streaming F(2,3)'s 1.8x larger weights costs about what its multiplies save;
        //   with 16-wide tiles the two are within 5% at batch 1 and F(2,3) is twice as fast per image at batch 8.
        // - Few channels: the transforms would cost more than they save, everywhere.
        return Stream.of(
                Arguments.of("conv1", conv1, Shape.of(1, 3, 224, 224), List.of("s2d F6", "s2d F6", "s2d F6", "s2d F6", "s2d F6")),
                Arguments.of("conv2", conv2, Shape.of(1, 96, 27, 27), List.of("F4", "F4", "F4", "F4", "F4")),
                Arguments.of("conv3", conv3, Shape.of(1, 256, 13, 13), List.of("F4", "F4", "F3", "F3", "F3")),
                Arguments.of("conv4 batch 1", conv4, Shape.of(1, 384, 6, 6), List.of("F2", "F2", "im2col", "im2col", "im2col")),
                // The choice depends on the image only: a batch of 8 takes the same kernel, so it equals single runs.
                Arguments.of("conv4 batch 8", conv4, Shape.of(8, 384, 6, 6), List.of("F2", "F2", "im2col", "im2col", "im2col")),
                Arguments.of("3x3, 128 channels", WINOGRAD_3X3, Shape.of(2, 128, 13, 13), List.of("F4", "F4", "im2col", "im2col", "F3")),
                Arguments.of("5x5, 64 channels", WINOGRAD_5X5, Shape.of(2, 64, 27, 27), List.of("F4", "F4", "F4", "F4", "F4")),
                Arguments.of("11x11 stride 4, 67x67", SPACE_TO_DEPTH_11X11, Shape.of(2, 3, 67, 67), List.of("s2d F4", "s2d F4", "im2col", "im2col", "s2d F4")),
                // AlexNet's grouped layers: each group is a Winograd convolution of its own where that gives enough
                // tiles per image (conv2's 27x27), not on the 13x13 maps (conv4), where the groups' one-after-another
                // calls cost more than the transforms save.
                Arguments.of("AlexNet conv2, 2 groups", alexConv2, Shape.of(1, 96, 27, 27), List.of("grouped F4", "grouped F4", "grouped F4", "grouped F4", "grouped F4")),
                Arguments.of("AlexNet conv4, 2 groups", alexConv4, Shape.of(1, 384, 13, 13), List.of("im2col", "im2col", "im2col", "im2col", "im2col")),
                Arguments.of("few channels", tiny, Shape.of(1, 2, 9, 9), List.of("im2col", "im2col", "im2col", "im2col", "im2col")));
    }

    private static final List<CpuProfile> PROFILES = List.of(CpuProfile.AVX2_JDK17, CpuProfile.AVX2_JDK25,
            CpuProfile.AVX512_JDK17, CpuProfile.AVX512_JDK25, CpuProfile.SCALAR_JDK17);

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernelChoices")
    void kernelChoicePerMachineProfile(String layer, ConvolutionOp.Params p, Shape in, List<String> expected) {
        for (int i = 0; i < PROFILES.size(); i++) {
            assertEquals(expected.get(i), describe(prepared(p, in, PROFILES.get(i))), layer + " on " + PROFILES.get(i));
        }
    }

    private static String describe(Object kernel) {
        if (kernel instanceof Conv2dWinograd w) {
            return "F" + w.tileSize();
        }
        if (kernel instanceof Conv2dSpaceToDepth s) {
            return "s2d F" + s.tileSize();
        }
        if (kernel instanceof Conv2dGroupedWinograd g) {
            return "grouped F" + g.tileSize();
        }
        assertEquals(Conv2dIm2colGemm.class, kernel.getClass());
        return "im2col";
    }

    @Test
    void winogradCanBeSwitchedOff() {
        String before = System.getProperty("caffe4j.winograd");
        System.setProperty("caffe4j.winograd", "false");
        try {
            assertEquals(Conv2dIm2colGemm.class, prepared(new ConvolutionOp.Params(384, 3, 3, 1, 1, 1, 1, 1, 1, 1,
                    true), Shape.of(1, 256, 13, 13)).getClass());
        } finally {
            if (before == null) {
                System.clearProperty("caffe4j.winograd");
            } else {
                System.setProperty("caffe4j.winograd", before);
            }
        }
    }

    private static Object prepared(ConvolutionOp.Params p, Shape in) {
        return prepared(p, in, Simd.profile());
    }

    private static Object prepared(ConvolutionOp.Params p, Shape in, CpuProfile cpu) {
        ConvolutionOp op = new ConvolutionOp();
        Context ctx = new Context(p, in, null, op, new HashMap<>(), cpu);
        op.lower(p, ctx);
        return ctx.memo.values().iterator().next();
    }

    @Test
    void weightsArePackedOncePerModel() {
        ConvolutionOp.Params p = new ConvolutionOp.Params(4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);
        ConvolutionOp op = new ConvolutionOp();
        Context ctx = new Context(p, Shape.of(1, 2, 5, 5), null, op);
        op.lower(p, ctx);
        op.lower(p, new Context(p, Shape.of(3, 2, 9, 7), null, op, ctx.memo)); // a reshape re-plans
        assertEquals(1, ctx.memo.size());
        Object prepared = ctx.memo.values().iterator().next();
        op.lower(p, new Context(p, Shape.of(1, 2, 4, 4), null, op, ctx.memo));
        assertSame(prepared, ctx.memo.values().iterator().next());
    }

    /**
     * A Winograd layer with fewer column tiles per image than a fused chunk needs reports that it batches better
     * (so a batch run does not take it image by image): NIN's conv1, rewritten to 48 channels of 56x56 and F(6,3),
     * has 81 tiles, 3 column tiles of 32 with AVX-512 but 6 of 16 with AVX2; a 3x3 layer on 56x56 maps has enough
     * tiles on both; im2col layers never report it. Each profile is named, whatever the host.
     */
    @Test
    void fewWinogradColumnTilesPerImageBatchBetter() {
        ConvolutionOp op = new ConvolutionOp();
        ConvolutionOp.Params ninConv1 = new ConvolutionOp.Params(96, 11, 11, 4, 4, 0, 0, 1, 1, 1, true);
        Shape ninInput = Shape.of(8, 3, 224, 224);
        Context avx512 = new Context(ninConv1, ninInput, 0f, op, new HashMap<>(), CpuProfile.AVX512_JDK25);
        LayerKernel kernel = op.lower(ninConv1, avx512);
        assertEquals(Conv2dSpaceToDepth.class, avx512.memo.values().iterator().next().getClass());
        assertTrue(kernel.batchesBetter(), "NIN's conv1 with AVX-512: 3 column tiles an image");
        Context avx2 = new Context(ninConv1, ninInput, 0f, op, new HashMap<>(), CpuProfile.AVX2_JDK25);
        LayerKernel onAvx2 = op.lower(ninConv1, avx2);
        assertFalse(onAvx2.batchesBetter(),
                "NIN's conv1 with AVX2: 6 column tiles an image");
        assertTrue(Conv2dWinograd.fewColumnTilesPerImage(Conv2dSpaceToDepth.rewritten(
                ninConv1.shape(3, 224, 224)), 6, 32));
        assertFalse(Conv2dWinograd.fewColumnTilesPerImage(Conv2dSpaceToDepth.rewritten(
                ninConv1.shape(3, 224, 224)), 6, 16));
        ConvolutionOp.Params wide = new ConvolutionOp.Params(64, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);
        Context wideAvx512 = new Context(wide, Shape.of(8, 64, 56, 56), 0f, op, new HashMap<>(),
                CpuProfile.AVX512_JDK25);
        LayerKernel wideKernel = op.lower(wide, wideAvx512);
        assertTrue(wideAvx512.memo.values().iterator().next() instanceof Conv2dWinograd);
        assertFalse(wideKernel.batchesBetter(), "64 -> 64 on 56x56: 100 tiles of F(6,3) or more an image");
        ConvolutionOp.Params pointwise = new ConvolutionOp.Params(96, 1, 1, 1, 1, 0, 0, 1, 1, 1, true);
        assertFalse(op.lower(pointwise, new Context(pointwise, Shape.of(8, 96, 6, 6), 0f, op, new HashMap<>(),
                CpuProfile.AVX512_JDK25)).batchesBetter(), "a 1x1 layer on a 6x6 map (GEMM)");
    }

    private static float[] run(LayerKernel kernel, float[] input, int outCount, Parallel par) {
        float[] out = new float[outCount + 7]; // buffers may be longer than the blob
        kernel.run(new float[][] {input}, new float[][] {out}, par);
        return java.util.Arrays.copyOf(out, outCount);
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

    /** A planner stand-in: fixed shapes, random weights of the op's declared shapes, a shared memo map. */
    private static final class Context implements KernelContext {
        final List<Shape> inputs;
        final List<Shape> outputs;
        final List<Blob> weights = new ArrayList<>();
        final Float slope;
        final Map<String, Object> memo;
        final CpuProfile cpu;

        Context(ConvolutionOp.Params p, Shape in, Float slope, ConvolutionOp op) {
            this(p, in, slope, op, new HashMap<>());
        }

        Context(ConvolutionOp.Params p, Shape in, Float slope, ConvolutionOp op, Map<String, Object> memo) {
            this(p, in, slope, op, memo, Simd.profile());
        }

        Context(ConvolutionOp.Params p, Shape in, Float slope, ConvolutionOp op, Map<String, Object> memo,
                CpuProfile cpu) {
            this.cpu = cpu;
            this.inputs = List.of(in);
            var geometry = p.shape(in.dim(1), in.dim(2), in.dim(3));
            this.outputs = List.of(Shape.of(in.dim(0), p.numOutput(), geometry.outH(), geometry.outW()));
            Random rnd = new Random(7);
            for (Shape w : op.weightShapes(p, inputs)) {
                weights.add(new Blob(w, random(rnd, (int) w.count()), false));
            }
            this.slope = slope;
            this.memo = memo;
        }

        @Override
        public String layerName() {
            return "conv";
        }

        @Override
        public List<Shape> inputShapes() {
            return inputs;
        }

        @Override
        public List<Shape> outputShapes() {
            return outputs;
        }

        @Override
        public List<Blob> weights() {
            return weights;
        }

        @Override
        public Float fusedReluSlope() {
            return slope;
        }

        @Override
        public CpuProfile cpu() {
            return cpu;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T memo(String key, Supplier<T> compute) {
            return (T) memo.computeIfAbsent(key, k -> compute.get());
        }
    }


    private static final String TWO_BOTTOMS = OpTestBase.layer("Convolution", "x0 x1", "y0 y1",
            "convolution_param { num_output: 3 kernel_size: 3 pad: 1 stride: 2 }");

    @Test
    void severalBottomsShareTheWeightsTopIFromBottomI() {
        Random rnd = new Random(11);
        org.caffe4j.runtime.Tensor a = OpTestBase.random(rnd, 2, 2, 7, 6), b = OpTestBase.random(rnd, 2, 2, 7, 6);
        List<org.caffe4j.runtime.Tensor> weights = List.of(OpTestBase.random(rnd, 3, 2, 3, 3), OpTestBase.random(rnd, 3));
        Map<String, org.caffe4j.runtime.Tensor> both = OpTestBase.run(TWO_BOTTOMS, weights, Tolerance.APPROX, a, b);
        String one = OpTestBase.layer("Convolution", "x0", "y",
                "convolution_param { num_output: 3 kernel_size: 3 pad: 1 stride: 2 }");
        org.caffe4j.runtime.Tensor fromA = OpTestBase.runOne(one, weights, Tolerance.APPROX, a);
        org.caffe4j.runtime.Tensor fromB = OpTestBase.runOne(one, weights, Tolerance.APPROX, b);
        org.junit.jupiter.api.Assertions.assertArrayEquals(fromA.shape(), both.get("y0").shape());
        Tolerance.EXACT.assertClose("top 0 = bottom 0 alone", fromA.data(), both.get("y0").data());
        Tolerance.EXACT.assertClose("top 1 = bottom 1 alone", fromB.data(), both.get("y1").data());
    }

    @Test
    void severalBottomsMustHaveOneShapeAndOneTopEach() {
        Random rnd = new Random(12);
        List<org.caffe4j.runtime.Tensor> weights = List.of(OpTestBase.random(rnd, 3, 2, 3, 3), OpTestBase.random(rnd, 3));
        OpTestBase.assertRejected(org.caffe4j.ShapeException.class, "Convolution", "bottom[1]", TWO_BOTTOMS, weights,
                OpTestBase.random(rnd, 1, 2, 7, 6), OpTestBase.random(rnd, 1, 2, 7, 7));
        OpTestBase.assertRejected(org.caffe4j.ShapeException.class, "Convolution", "top",
                OpTestBase.layer("Convolution", "x0 x1", "y0", "convolution_param { num_output: 3 kernel_size: 3 }"),
                weights, OpTestBase.random(rnd, 1, 2, 7, 6), OpTestBase.random(rnd, 1, 2, 7, 6));
    }
}
