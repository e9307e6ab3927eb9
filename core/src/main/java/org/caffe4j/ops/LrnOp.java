package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.norm.LrnAcrossChannels;
import org.caffe4j.kernels.norm.LrnReference;
import org.caffe4j.kernels.norm.LrnWindowKernel;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * Caffe's LRN on N x C x H x W: ACROSS_CHANNELS (k + alpha/local_size * window sum of squares)^-beta, or
 * WITHIN_CHANNEL (1 + alpha * spatial average of squares)^-beta, times x. local_size must be odd, as in Caffe.
 */
public final class LrnOp implements OpDefinition<LrnOp.Params> {
    public record Params(int localSize, float alpha, float beta, float k, boolean acrossChannels) {
    }

    @Override
    public String type() {
        return "LRN";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.LRNParameter q = ctx.layer().getLrnParam();
        long size = Integer.toUnsignedLong(q.getLocalSize());
        if (size % 2 == 0 || size > Integer.MAX_VALUE) {
            throw ctx.invalid("lrn_param.local_size", "is " + size + "; LRN only supports odd values (as Caffe)");
        }
        // engine (CAFFE/CUDNN) does not change the arithmetic.
        return new Params((int) size, q.getAlpha(), q.getBeta(), q.getK(),
                q.getNormRegion() == Caffe.LRNParameter.NormRegion.ACROSS_CHANNELS);
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() != 4) {
            throw ctx.invalid("bottom", "has shape " + x + "; LRN needs N x C x H x W");
        }
        return List.of(x);
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int c = x.dim(1), h = x.dim(2), w = x.dim(3), plane = h * w, image = c * plane;
        if (p.acrossChannels()) {
            return (inputs, outputs, par) -> par.forEach(x.dim(0), n -> LrnReference.acrossChannels(inputs[0],
                    n * image, outputs[0], n * image, c, plane, p.localSize(), p.alpha(), p.beta(), p.k()));
        }
        return (inputs, outputs, par) -> par.forEach(x.dim(0), n -> LrnReference.withinChannel(inputs[0], n * image,
                outputs[0], n * image, c, h, w, p.localSize(), p.alpha(), p.beta(), new float[plane], new float[plane]));
    }

    /**
     * ACROSS_CHANNELS runs the running-sum kernel vectorized over pixels, split into (image, pixel block) tasks;
     * WITHIN_CHANNEL (rare in the model zoo) keeps the reference.
     */
    @Override
    public LayerKernel lower(Params p, KernelContext ctx) {
        if (!p.acrossChannels()) {
            return reference(p, ctx);
        }
        Shape x = ctx.inputShapes().get(0);
        int c = x.dim(1), plane = x.dim(2) * x.dim(3), image = c * plane;
        int blocks = LrnAcrossChannels.blocks(plane);
        LrnWindowKernel window = ctx.kernels().lrn();
        return (inputs, outputs, par) -> par.forEach(x.dim(0) * blocks, task -> {
            int n = task / blocks;
            LrnAcrossChannels.forwardBlock(inputs[0], n * image, outputs[0], n * image, c, plane, task % blocks,
                    p.localSize(), p.alpha(), p.beta(), p.k(), window);
        });
    }
}
