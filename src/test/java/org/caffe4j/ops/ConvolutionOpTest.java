package org.caffe4j.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.conv.Conv2dDepthwise;
import org.caffe4j.kernels.conv.Conv2dIm2colGemm;
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
        return Stream.of(
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
                        0.1f),
                // Winograd (see winogradOnSmallerNinLikeShapes): 3x3, 5x5, and 11x11 stride 4 rewritten.
                Arguments.of(WINOGRAD_3X3, Shape.of(2, 128, 13, 13), 0f),
                Arguments.of(WINOGRAD_5X5, Shape.of(2, 64, 27, 27), null),
                Arguments.of(SPACE_TO_DEPTH_11X11, Shape.of(2, 3, 67, 67), 0f));
    }

    /** Whether this JVM runs the 8x8 Winograd transforms fast (JDK 25: yes; JDK 17: only without AVX-512). */
    private static final boolean LARGE_TILES = Simd.winogradTransforms().fast(6, 3);
    /** Whether the GEMM tile is 32 wide (AVX-512) rather than 16 (AVX2): the chooser's cost model scales with it. */
    private static final boolean WIDE_TILES = Simd.sgemmKernel().nr() >= 32;

    private static final ConvolutionOp.Params WINOGRAD_3X3 =
            new ConvolutionOp.Params(192, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);
    private static final ConvolutionOp.Params WINOGRAD_5X5 =
            new ConvolutionOp.Params(128, 5, 5, 1, 1, 2, 2, 1, 1, 1, false);
    private static final ConvolutionOp.Params SPACE_TO_DEPTH_11X11 =
            new ConvolutionOp.Params(48, 11, 11, 4, 4, 0, 0, 1, 1, 1, true);

    @Test
    void winogradOnSmallerNinLikeShapes() {
        assertEquals(Conv2dWinograd.class, prepared(WINOGRAD_3X3, Shape.of(2, 128, 13, 13)).getClass());
        assertEquals(Conv2dWinograd.class, prepared(WINOGRAD_5X5, Shape.of(2, 64, 27, 27)).getClass());
        assertEquals(LARGE_TILES ? Conv2dSpaceToDepth.class : Conv2dIm2colGemm.class,
                prepared(SPACE_TO_DEPTH_11X11, Shape.of(2, 3, 67, 67)).getClass());
    }

    @ParameterizedTest
    @MethodSource("layers")
    void loweredKernelMatchesReference(ConvolutionOp.Params p, Shape in, Float slope) {
        ConvolutionOp op = new ConvolutionOp();
        Context ctx = new Context(p, in, slope, op);
        float[] input = random(new Random(in.count() + p.numOutput()), (int) in.count());
        int outCount = (int) ctx.outputShapes().get(0).count();
        float[] expected = run(op.reference(p, ctx), input, outCount, Parallel.SERIAL);
        float[] serial = run(op.lower(p, ctx), input, outCount, Parallel.SERIAL);
        float[] pooled = run(op.lower(p, ctx), input, outCount, POOL);
        // Winograd rounds relative to the layer's scale, not to each output (see Tolerance.SCALED).
        Object prepared = ctx.memo.values().iterator().next();
        boolean winograd = prepared instanceof Conv2dWinograd || prepared instanceof Conv2dSpaceToDepth;
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

    @Test
    void ninShapesTakeWinogradAndItsSpaceToDepthRewrite() {
        // conv1: 11x11 stride 4 on 224x224 is rewritten to a 3x3 stride-1 convolution over 48 channels, which pays
        // off with F(6,3); where the JIT makes 8x8 transforms and gathers slow (JDK 17 with AVX-512) im2col stays.
        assertEquals(LARGE_TILES ? Conv2dSpaceToDepth.class : Conv2dIm2colGemm.class, prepared(
                new ConvolutionOp.Params(96, 11, 11, 4, 4, 0, 0, 1, 1, 1, true), Shape.of(1, 3, 224, 224)).getClass());
        Object conv2 = prepared(new ConvolutionOp.Params(256, 5, 5, 1, 1, 2, 2, 1, 1, 1, true), Shape.of(1, 96, 27, 27));
        // F(4,5)'s 8x8 transforms are only fast where the JIT inlines them fully (JDK 25; JDK 17 only on AVX2).
        assertEquals(LARGE_TILES ? 4 : 2, ((Conv2dWinograd) conv2).tileSize());
        Object conv3 = prepared(new ConvolutionOp.Params(384, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),
                Shape.of(1, 256, 13, 13));
        // With AVX2's 16-wide tiles the GEMM does half the work per instruction, so the transforms weigh less and
        // the larger tile wins (measured there: F(4,3) 1.17 ms, F(3,3) 1.40 ms; AVX-512: F(3,3) best).
        assertEquals(WIDE_TILES ? 3 : 4, ((Conv2dWinograd) conv3).tileSize());
        // conv4-1024: at batch 1 streaming F(2,3)'s 1.8x larger weights costs about what its multiplies save: on
        // AVX-512 im2col stays; on AVX2 with fast transforms (JDK 25) the two are within 5% at batch 1 and F(2,3)
        // is 2x faster per image at batch 8, so it is taken. The choice depends on the image only (a batch of 8
        // takes the same kernel, so its results equal single runs).
        Class<?> conv4 = !WIDE_TILES && LARGE_TILES ? Conv2dWinograd.class : Conv2dIm2colGemm.class;
        for (int batch : new int[] {1, 8}) {
            assertEquals(conv4, prepared(new ConvolutionOp.Params(1024, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),
                    Shape.of(batch, 384, 6, 6)).getClass());
        }
        // Few channels: the transforms would cost more than they save.
        assertEquals(Conv2dIm2colGemm.class, prepared(new ConvolutionOp.Params(4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true),
                Shape.of(1, 2, 9, 9)).getClass());
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
        ConvolutionOp op = new ConvolutionOp();
        Context ctx = new Context(p, in, null, op);
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

        Context(ConvolutionOp.Params p, Shape in, Float slope, ConvolutionOp op) {
            this(p, in, slope, op, new HashMap<>());
        }

        Context(ConvolutionOp.Params p, Shape in, Float slope, ConvolutionOp op, Map<String, Object> memo) {
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
        @SuppressWarnings("unchecked")
        public <T> T memo(String key, Supplier<T> compute) {
            return (T) memo.computeIfAbsent(key, k -> compute.get());
        }
    }

}
