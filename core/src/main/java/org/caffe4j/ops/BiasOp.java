package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.act.ChannelAffine;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * Caffe's Bias: out = x + b, b broadcast over the axes [axis, axis + num_axes) of x; b is the layer's blob (one
 * bottom; shape = x's dims on those axes) or bottom[1] (two bottoms; num_axes ignored), as bias_layer.cpp.
 */
public final class BiasOp implements OpDefinition<BiasOp.Params> {
    public record Params(int axis, int numAxes, boolean twoBottoms) {
    }

    @Override
    public String type() {
        return "Bias";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 2);
        ctx.requireTops(1, 1);
        Caffe.BiasParameter q = ctx.layer().getBiasParam();
        ScaleOp.checkNumAxes(ctx, "bias_param.num_axes", q.getNumAxes());
        return new Params(q.getAxis(), q.getNumAxes(), ctx.layer().getBottomCount() == 2); // filler: training only
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        ScaleOp.view(in.get(0), p.twoBottoms() ? in.get(1) : null, p.axis(), p.numAxes(), "bias_param.", ctx);
        return List.of(in.get(0));
    }

    @Override
    public List<Shape> weightShapes(Params p, List<Shape> in) {
        if (p.twoBottoms()) {
            return List.of();
        }
        return List.of(ScaleOp.operandShape(in.get(0), ScaleOp.view(in.get(0), null, p.axis(), p.numAxes(), "bias_param.", null)));
    }

    @Override
    public boolean inPlaceCapable() {
        return true;
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        List<Shape> in = ctx.inputShapes();
        int[] v = ScaleOp.view(in.get(0), p.twoBottoms() ? in.get(1) : null, p.axis(), p.numAxes(), "bias_param.", null);
        float[] blob = p.twoBottoms() ? null : ctx.weights().get(0).data();
        return PerChannel.kernel(v[0], v[1], v[2], (ins, out, c, off, inner) ->
                ChannelAffine.scaleBias(ins[0], out, off, inner, 1f, false, blob != null ? blob[c] : ins[1][c], true));
    }
}
