package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.norm.SoftmaxReference;

import java.util.List;

/** Caffe's Softmax over {@code softmax_param.axis} (default 1, the channels). */
public final class SoftmaxOp implements OpDefinition<SoftmaxOp.Params> {
    public record Params(int axis) {
    }

    @Override
    public String type() {
        return "Softmax";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        return new Params(ctx.layer().getSoftmaxParam().getAxis());
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        in.get(0).canonicalAxis(p.axis(), ctx.label() + ": softmax_param.axis");
        return List.of(in.get(0));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int axis = x.canonicalAxis(p.axis(), "softmax_param.axis");
        int outer = (int) x.count(0, axis), channels = x.dim(axis), inner = (int) x.count(axis + 1, x.rank());
        return (inputs, outputs, par) -> SoftmaxReference.forward(inputs[0], outputs[0], outer, channels, inner);
    }
}
