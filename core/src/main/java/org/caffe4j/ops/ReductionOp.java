package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.reduce.ReductionReference;
import org.caffe4j.kernels.reduce.ReductionReference.Operation;
import org.caffe4j.proto.Caffe;

import java.util.Arrays;
import java.util.List;

/**
 * Caffe's Reduction: every axis from {@code axis} (default 0) on is reduced to one value by SUM, ASUM, SUMSQ or
 * MEAN, times {@code coeff}; the top keeps the axes before it (axis 0 gives a scalar, shape ()).
 */
public final class ReductionOp implements OpDefinition<ReductionOp.Params> {
    public record Params(Operation operation, int axis, float coeff) {
    }

    @Override
    public String type() {
        return "Reduction";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.ReductionParameter q = ctx.layer().getReductionParam();
        if (!Float.isFinite(q.getCoeff())) {
            throw ctx.invalid("reduction_param.coeff", "is " + q.getCoeff() + "; must be finite");
        }
        Operation op = switch (q.getOperation()) {
            case SUM -> Operation.SUM;
            case ASUM -> Operation.ASUM;
            case SUMSQ -> Operation.SUMSQ;
            case MEAN -> Operation.MEAN;
        };
        return new Params(op, q.getAxis(), q.getCoeff());
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        int axis = Axes.canonical(x, p.axis(), "reduction_param.axis", ctx);
        return List.of(Shape.of(Arrays.copyOf(x.dims(), axis)));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int axis = Axes.canonical(x, p.axis(), "reduction_param.axis", null);
        int num = (int) x.count(0, axis), dim = (int) x.count(axis, x.rank());
        // Caffe folds MEAN's 1/dim into the coefficient, in float.
        float coeff = p.operation() == Operation.MEAN ? p.coeff() / dim : p.coeff();
        return (inputs, outputs, par) -> ReductionReference.forward(inputs[0], outputs[0], num, dim, p.operation(), coeff);
    }
}
