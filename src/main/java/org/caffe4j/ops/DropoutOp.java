package org.caffe4j.ops;

import org.caffe4j.ir.Shape;

import java.util.List;

/** Dropout at inference is the identity (Caffe scales during training, so nothing is rescaled here). */
public final class DropoutOp implements OpDefinition<DropoutOp.Params> {
    public record Params() {
    }

    @Override
    public String type() {
        return "Dropout";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        float ratio = ctx.layer().getDropoutParam().getDropoutRatio();
        if (ratio < 0 || ratio >= 1) {
            throw ctx.invalid("dropout_param.dropout_ratio", "is " + ratio + "; must be in [0, 1)");
        }
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
        int n = (int) ctx.inputShapes().get(0).count();
        return (inputs, outputs, par) -> {
            if (inputs[0] != outputs[0]) {
                System.arraycopy(inputs[0], 0, outputs[0], 0, n);
            }
        };
    }
}
