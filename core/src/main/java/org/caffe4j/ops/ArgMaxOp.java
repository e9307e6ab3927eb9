package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.reduce.ArgMaxReference;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * Caffe's ArgMax: the indices (as floats) of the top_k largest values. With {@code axis}: along that axis, the
 * output replacing it by top_k (values instead of indices when out_max_val). Without: per example over all
 * other dims, output N x (1, or 2 with out_max_val: indices then values) x top_k (x 1 for 4-axis bottoms), as
 * argmax_layer.cpp shapes it.
 */
public final class ArgMaxOp implements OpDefinition<ArgMaxOp.Params> {
    public record Params(boolean outMaxVal, int topK, Integer axis) {
    }

    @Override
    public String type() {
        return "ArgMax";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.ArgMaxParameter q = ctx.layer().getArgmaxParam();
        long k = Integer.toUnsignedLong(q.getTopK());
        if (k < 1 || k > Integer.MAX_VALUE) {
            throw ctx.invalid("argmax_param.top_k", "is " + k + "; must be at least 1");
        }
        return new Params(q.getOutMaxVal(), (int) k, q.hasAxis() ? q.getAxis() : null);
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (p.axis() != null) {
            int axis = Axes.canonical(x, p.axis(), "argmax_param.axis", ctx);
            if (p.topK() > x.dim(axis)) {
                throw ctx.invalid("argmax_param.top_k", "= " + p.topK() + " is more than the " + x.dim(axis)
                        + " values along axis " + axis + " of " + x);
            }
            return List.of(x.withDim(axis, p.topK()));
        }
        if (x.rank() < 1) {
            throw ctx.invalid("bottom", "is a scalar; ArgMax needs N x ...");
        }
        if (p.topK() > x.count(1, x.rank())) {
            throw ctx.invalid("argmax_param.top_k", "= " + p.topK() + " is more than the " + x.count(1, x.rank())
                    + " values per example of " + x);
        }
        int[] d = new int[Math.max(3, x.rank())];
        java.util.Arrays.fill(d, 1);
        d[0] = x.dim(0);
        d[1] = p.outMaxVal() ? 2 : 1;
        d[2] = p.topK();
        return List.of(Shape.of(d));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        if (p.axis() != null) {
            int axis = Axes.canonical(x, p.axis(), "argmax_param.axis", null);
            int outer = (int) x.count(0, axis), dim = x.dim(axis), inner = (int) x.count(axis + 1, x.rank());
            return (inputs, outputs, par) ->
                    ArgMaxReference.alongAxis(inputs[0], outputs[0], outer, dim, inner, p.topK(), p.outMaxVal());
        }
        int num = x.dim(0), dim = (int) x.count(1, x.rank());
        return (inputs, outputs, par) -> ArgMaxReference.perExample(inputs[0], outputs[0], num, dim, p.topK(), p.outMaxVal());
    }
}
