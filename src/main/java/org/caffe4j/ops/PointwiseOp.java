package org.caffe4j.ops;

import org.caffe4j.ir.Shape;

import java.util.List;

/**
 * A parameterless elementwise layer (AbsVal, BNLL, Sigmoid, TanH): one bottom, one top of the same shape, any
 * rank, in place allowed. Each instance differs only in its type string and its kernel in
 * {@link org.caffe4j.kernels.act.Pointwise}. (Caffe refuses in-place AbsVal only for its backward pass; the
 * forward result is the same, so it is accepted.)
 */
public final class PointwiseOp implements OpDefinition<PointwiseOp.Params> {
    public record Params() {
    }

    private final String type;
    private final Elementwise.RangeKernel kernel;

    public PointwiseOp(String type, Elementwise.RangeKernel kernel) {
        this.type = type;
        this.kernel = kernel;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        return new Params();
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        return List.of(in.get(0));
    }

    @Override
    public boolean inPlaceCapable() {
        return true;
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        return Elementwise.chunked((int) ctx.inputShapes().get(0).count(), kernel);
    }
}
