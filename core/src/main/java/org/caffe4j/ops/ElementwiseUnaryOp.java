package org.caffe4j.ops;

import org.caffe4j.ir.Shape;

import java.util.List;

/**
 * Base of the one-bottom, one-top elementwise layers (ReLU, ELU, Power, Exp, Log, Threshold, Dropout and the
 * parameterless ones): the top has the bottom's shape, any rank, and may share its buffer. Subclasses read their
 * own fields and supply the kernel.
 */
public abstract class ElementwiseUnaryOp<P> implements OpDefinition<P> {
    @Override
    public final P parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        return parseParams(ctx);
    }

    /** Reads and checks this layer's own parameter fields (bottom and top counts are already checked). */
    protected abstract P parseParams(LayerContext ctx);

    @Override
    public final List<Shape> outputShapes(P params, List<Shape> inputs, LayerContext ctx) {
        return List.of(inputs.get(0));
    }

    @Override
    public final boolean inPlaceCapable() {
        return true;
    }
}
