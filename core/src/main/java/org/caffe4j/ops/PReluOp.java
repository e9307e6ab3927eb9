package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.act.ElementwiseKernels;

import java.util.List;

/**
 * Caffe's PReLU: max(x, 0) + a * min(x, 0) with one learned slope per channel (axis 1), or one for all channels
 * when {@code channel_shared} (a scalar blob, as Caffe stores it).
 */
public final class PReluOp implements ElementwiseKernelsOp<PReluOp.Params> {
    public record Params(boolean channelShared) {
    }

    @Override
    public String type() {
        return "PReLU";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        return new Params(ctx.layer().getPreluParam().getChannelShared()); // filler: training only
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        if (in.get(0).rank() < 2) {
            throw ctx.invalid("bottom", "has shape " + in.get(0) + "; PReLU needs at least 2 axes (N x C x ...)");
        }
        return List.of(in.get(0));
    }

    @Override
    public List<Shape> weightShapes(Params p, List<Shape> in) {
        return List.of(p.channelShared() ? Shape.of() : Shape.of(in.get(0).dim(1)));
    }

    /** One channel plane at a time in vectors when {@code Simd.enabled()}, bit-identical to the reference. */
    @Override
    public LayerKernel kernel(Params p, KernelContext ctx, ElementwiseKernels k) {
        int[] v = PerChannel.view(ctx.inputShapes().get(0), 1, 1);
        float[] slope = ctx.weights().get(0).data();
        return PerChannel.kernel(v[0], v[1], v[2], (ins, out, c, off, inner) ->
                k.prelu(ins[0], out, off, inner, slope[p.channelShared() ? 0 : c]));
    }
}
