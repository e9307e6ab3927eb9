package org.caffe4j.ops;

import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.act.Activations;
import org.caffe4j.kernels.conv.Conv2dDepthwise;
import org.caffe4j.kernels.conv.Conv2dIm2colGemm;
import org.caffe4j.kernels.conv.Conv2dKernel;
import org.caffe4j.kernels.conv.Conv2dPointwiseGemm;
import org.caffe4j.kernels.conv.Conv2dReference;
import org.caffe4j.kernels.conv.Conv2dGroupedWinograd;
import org.caffe4j.kernels.conv.Conv2dSpaceToDepth;
import org.caffe4j.kernels.conv.Conv2dWinograd;
import org.caffe4j.kernels.conv.ConvShape;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * Caffe's Convolution: 2-D, any kernel/stride/pad/dilation (scalar or _h/_w forms), groups, optional bias. Several
 * bottoms of one shape share the one set of weights, top i coming from bottom i (base_conv_layer.cpp).
 */
public final class ConvolutionOp implements OpDefinition<ConvolutionOp.Params> {

    public record Params(int numOutput, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                         int dilationH, int dilationW, int group, boolean biasTerm) {
        /** Geometry for one image with {@code channels} x {@code h} x {@code w} input. */
        public ConvShape shape(int channels, int h, int w) {
            return new ConvShape(channels, h, w, numOutput, kernelH, kernelW, strideH, strideW, padH, padW,
                    dilationH, dilationW, group);
        }
    }

    @Override
    public String type() {
        return "Convolution";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, Integer.MAX_VALUE);
        int bottoms = ctx.layer().getBottomCount();
        ctx.requireTops(bottoms, bottoms);
        return parseConvolution(ctx, ctx.layer().getConvolutionParam());
    }

    /** Shared with Deconvolution, which reads the same message. */
    static Params parseConvolution(LayerContext ctx, Caffe.ConvolutionParameter p) {
        String f = "convolution_param.";
        if (!p.hasNumOutput() || p.getNumOutput() <= 0) {
            throw ctx.invalid(f + "num_output", "must be set and positive (got " + p.getNumOutput() + ")");
        }
        if (p.hasAxis() && p.getAxis() != 1) {
            throw ctx.unsupported(f + "axis", "= " + p.getAxis() + " is not supported; only the channel axis (1)");
        }
        int[] k = Spatial.pair(ctx, f, "kernel_size", p.getKernelSizeList(), p.hasKernelH(), p.getKernelH(),
                p.hasKernelW(), p.getKernelW(), 0, 1);
        int[] s = Spatial.pair(ctx, f, "stride", p.getStrideList(), p.hasStrideH(), p.getStrideH(),
                p.hasStrideW(), p.getStrideW(), 1, 1);
        int[] pad = Spatial.pair(ctx, f, "pad", p.getPadList(), p.hasPadH(), p.getPadH(), p.hasPadW(), p.getPadW(), 0, 0);
        int[] d = Spatial.pair(ctx, f, "dilation", p.getDilationList(), false, 0, false, 0, 1, 1);
        int group = p.getGroup();
        if (group <= 0) {
            throw ctx.invalid(f + "group", "is " + group + "; must be at least 1");
        }
        if (p.getNumOutput() % group != 0) {
            throw ctx.invalid(f + "num_output", "= " + p.getNumOutput() + " is not a multiple of group = " + group);
        }
        return new Params((int) p.getNumOutput(), k[0], k[1], s[0], s[1], pad[0], pad[1], d[0], d[1], group,
                p.getBiasTerm());
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() != 4) {
            throw ctx.invalid("bottom", "has shape " + x + "; Convolution needs N x C x H x W");
        }
        if (x.dim(1) % p.group() != 0) {
            throw ctx.invalid("convolution_param.group", "= " + p.group() + " does not divide the " + x.dim(1)
                    + " input channels");
        }
        String f = "convolution_param.";
        long spanH = Spatial.checkWindow(ctx, f, "height", x.dim(2), p.padH(), p.kernelH(), p.dilationH(), p.strideH());
        long spanW = Spatial.checkWindow(ctx, f, "width", x.dim(3), p.padW(), p.kernelW(), p.dilationW(), p.strideW());
        long paddedH = x.dim(2) + 2L * p.padH(), paddedW = x.dim(3) + 2L * p.padW();
        if (spanH > paddedH || spanW > paddedW) {
            throw ctx.invalid(f + "kernel_size", "gives a " + spanH + "x" + spanW
                    + " window, larger than the padded " + paddedH + "x" + paddedW + " input");
        }
        checkWeightCount(ctx, p.numOutput(), x.dim(1) / p.group(), p.kernelH(), p.kernelW());
        for (int i = 1; i < in.size(); i++) {
            if (!in.get(i).equals(x)) {
                throw ctx.invalid("bottom[" + i + "]", "has shape " + in.get(i) + "; every bottom of a Convolution "
                        + "must have bottom[0]'s shape " + x + ", as in Caffe");
            }
        }
        Shape y = Shape.checked(new long[]{x.dim(0), p.numOutput(), (paddedH - spanH) / p.strideH() + 1,
                (paddedW - spanW) / p.strideW() + 1}, ctx.label());
        return java.util.Collections.nCopies(in.size(), y);
    }

    /** The weight blob (and the kernels' packed copies of it) must fit one Java array. */
    static void checkWeightCount(LayerContext ctx, long outputs, long inputsPerGroup, long kernelH, long kernelW) {
        long perOutput = inputsPerGroup * kernelH * kernelW;
        if (perOutput > Shape.MAX_ELEMENTS || outputs * perOutput > Shape.MAX_ELEMENTS) {
            throw ctx.invalid("convolution_param.kernel_size", "= " + kernelH + "x" + kernelW + " with " + outputs
                    + " outputs and " + inputsPerGroup + " inputs per group needs more than " + Shape.MAX_ELEMENTS
                    + " weights, more than one Java array can hold");
        }
    }

    @Override
    public List<Shape> weightShapes(Params p, List<Shape> in) {
        Shape w = Shape.of(p.numOutput(), in.get(0).dim(1) / p.group(), p.kernelH(), p.kernelW());
        return p.biasTerm() ? List.of(w, Shape.of(p.numOutput())) : List.of(w);
    }

    @Override
    public long multiplyAdds(Params p, List<Shape> in, List<Shape> out) {
        return out.size() * out.get(0).count() * (in.get(0).dim(1) / p.group()) * p.kernelH() * p.kernelW();
    }

    @Override
    public boolean fusesRelu() {
        return true;
    }

    /** Every convolution kernel takes an output offset and writes only its own values (ConvOutputOffsetTest). */
    @Override
    public boolean writesOutputAtOffset() {
        return true;
    }

    @Override
    public boolean foldsAffine(Params p, List<Blob> weights, ChannelAffine affine) {
        return affine.channels() == p.numOutput() && !weights.isEmpty();
    }

    /** Output channel oc's weights times scale[oc]; bias' = bias * scale + shift (a bias blob is added if none). */
    @Override
    public Folded<Params> foldAffine(Params p, List<Blob> weights, ChannelAffine affine) {
        if (!foldsAffine(p, weights, affine)) {
            return null;
        }
        Blob w = weights.get(0);
        float[] folded = w.data().clone();
        int perOutput = folded.length / p.numOutput();
        float[] bias = new float[p.numOutput()];
        float[] stored = p.biasTerm() ? weights.get(1).data() : null;
        for (int oc = 0; oc < p.numOutput(); oc++) {
            float a = affine.scale()[oc];
            for (int i = oc * perOutput, end = i + perOutput; i < end; i++) {
                folded[i] *= a;
            }
            bias[oc] = (float) ((stored == null ? 0.0 : (double) stored[oc] * a) + affine.shift()[oc]);
        }
        Params withBias = new Params(p.numOutput(), p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(),
                p.padW(), p.dilationH(), p.dilationW(), p.group(), true);
        return new Folded<>(withBias, List.of(new Blob(w.shape(), folded, w.legacy4d()),
                new Blob(Shape.of(p.numOutput()), bias, false)));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        ConvShape s = p.shape(x.dim(1), x.dim(2), x.dim(3));
        int batch = x.dim(0), inSize = s.inSize(), outSize = s.outSize();
        float[] w = ctx.weights().get(0).data();
        float[] bias = p.biasTerm() ? ctx.weights().get(1).data() : null;
        Float slope = ctx.fusedReluSlope();
        int bottoms = ctx.inputShapes().size();
        return (inputs, outputs, par) -> par.forEach(bottoms * batch, t -> {
            int b = t / batch, n = t % batch;
            Conv2dReference.forward(s, inputs[b], n * inSize, w, bias, outputs[b], n * outSize);
            if (slope != null) {
                Activations.relu(outputs[b], n * outSize, outputs[b], n * outSize, outSize, slope);
            }
        });
    }

    /**
     * The fast kernels. Stride-1 square 3x3 and 5x5 layers with enough channels run Winograd's F(m x m, r x r)
     * ({@link Conv2dWinograd}; m from a cost model on the image shape alone, so a batch equals its images run one
     * by one), and strided square ones whose stride-1 rewrite qualifies run it through {@link Conv2dSpaceToDepth}
     * (NIN's and AlexNet's 11x11 stride-4 conv1), and grouped ones whose groups qualify one such kernel per group
     * ({@link Conv2dGroupedWinograd}: AlexNet's 27x27 conv2, not its 13x13 layers). The rest use the packed-GEMM kernels: 1x1 stride-1 unpadded
     * layers multiply the image directly, the others gather im2col tiles on the fly; small maps (13x13, 6x6) of a
     * batch are multiplied together so each weight is loaded once per batch. Depthwise layers (one input channel
     * per group, fewer output channels per group than the GEMM micro-tile has rows) take the direct
     * {@link Conv2dDepthwise} kernel, which vectorizes across the pixels of an output row. Bias and a
     * planner-fused ReLU are applied as each output leaves the kernel; weights are packed or transformed once per
     * model (memoised), so re-planning for another batch or image size reuses them; work is spread over all
     * threads, split by shape only. {@code -Dcaffe4j.winograd=false} keeps every layer on the GEMM kernels.
     */
    @Override
    public LayerKernel lower(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        ConvShape s = p.shape(x.dim(1), x.dim(2), x.dim(3));
        int batch = x.dim(0);
        Float slope = ctx.fusedReluSlope();
        Activation act = slope == null ? Activation.NONE : Activation.relu(slope);
        int tile = Conv2dWinograd.chooseTileSize(s, ctx.cpu());
        int strided = Conv2dSpaceToDepth.supports(s)
                ? Conv2dWinograd.chooseTileSize(Conv2dSpaceToDepth.rewritten(s), s, ctx.cpu()) : 0;
        int grouped = Conv2dGroupedWinograd.chooseTileSize(s, ctx.cpu());
        Conv2dKernel kernel;
        if (grouped > 0) {
            kernel = ctx.memo("grouped winograd F" + grouped + " relu=" + slope, () -> new Conv2dGroupedWinograd(
                    weights(ctx), bias(p, ctx), p.numOutput(), s.inC(), p.group(), p.kernelH(), grouped, act,
                    ctx.kernels().sgemm(), ctx.kernels().winograd()));
        } else if (tile > 0) {
            kernel = ctx.memo("winograd F" + tile + " relu=" + slope,
                    () -> new Conv2dWinograd(weights(ctx), bias(p, ctx), p.numOutput(), s.inC(), p.kernelH(), tile,
                            act, ctx.kernels().sgemm(), ctx.kernels().winograd()));
        } else if (strided > 0) {
            kernel = ctx.memo("space-to-depth winograd F" + strided + " relu=" + slope, () -> new Conv2dSpaceToDepth(
                    weights(ctx), bias(p, ctx), p.numOutput(), s.inC(), p.kernelH(), p.strideH(), strided, act,
                    ctx.kernels().sgemm(), ctx.kernels().winograd()));
        } else {
            kernel = ctx.memo("conv relu=" + slope, () -> prepare(p, s, ctx, act));
        }
        if (kernel.keepsWeightsExactly()) {
            ctx.weightsKeptByKernel(0, kernel::unpackWeights);
        } else if (kernel.copiesWeights()) {
            ctx.weightsCopiedByKernel(0);
        }
        int bottoms = ctx.inputShapes().size();
        int nr = ctx.cpu().sgemmTileWidth();
        boolean batchesBetter = grouped == 0 && (tile > 0 ? Conv2dWinograd.fewColumnTilesPerImage(s, tile, nr)
                : strided > 0 && Conv2dWinograd.fewColumnTilesPerImage(Conv2dSpaceToDepth.rewritten(s), strided, nr));
        return LayerKernel.writingAtOffset(kernel.weightBytes(), batchesBetter, (inputs, outputs, offset, par) -> {
            for (int b = 0; b < bottoms; b++) {
                kernel.forward(s, batch, inputs[b], 0, outputs[b], b == 0 ? offset : 0, par);
            }
        });
    }

    /**
     * The weights, read only inside a memo's computation: a folded layer's are computed on that first read, so a
     * plan for another input shape, which finds the prepacked kernel in the memo, does not fold them again.
     */
    private static float[] weights(KernelContext ctx) {
        return ctx.weights().get(0).data();
    }

    private static float[] bias(Params p, KernelContext ctx) {
        return p.biasTerm() ? ctx.weights().get(1).data() : null;
    }

    private static Conv2dKernel prepare(Params p, ConvShape s, KernelContext ctx, Activation act) {
        float[] w = weights(ctx);
        float[] bias = bias(p, ctx);
        if (s.inCPerGroup() == 1 && s.outCPerGroup() < SgemmMicroKernel.MR) {
            return new Conv2dDepthwise(w, bias, p.numOutput(), p.kernelH(), p.kernelW(), p.group(), act,
                    ctx.kernels().depthwise());
        }
        if (s.isPointwise()) {
            return new Conv2dPointwiseGemm(w, bias, p.numOutput(), s.inCPerGroup(), p.group(), act,
                    ctx.kernels().sgemm());
        }
        return new Conv2dIm2colGemm(w, bias, p.numOutput(), s.inCPerGroup(), p.kernelH(), p.kernelW(), p.group(),
                act, ctx.kernels().sgemm());
    }

    static float[] data(List<Blob> weights, int i) {
        return i < weights.size() ? weights.get(i).data() : null;
    }
}
