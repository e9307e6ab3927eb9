package org.caffe4j.ops;

/** Dropout at inference is the identity (Caffe scales during training, so nothing is rescaled here). */
public final class DropoutOp extends ElementwiseUnaryOp<DropoutOp.Params> {
    public record Params() {
    }

    @Override
    public String type() {
        return "Dropout";
    }

    @Override
    protected Params parseParams(LayerContext ctx) {
        float ratio = ctx.layer().getDropoutParam().getDropoutRatio();
        if (ratio < 0 || ratio >= 1) {
            throw ctx.invalid("dropout_param.dropout_ratio", "is " + ratio + "; must be in [0, 1)");
        }
        return new Params();
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
