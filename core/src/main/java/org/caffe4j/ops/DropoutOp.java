package org.caffe4j.ops;

/**
 * Dropout at inference is the identity (Caffe scales during training, so nothing is rescaled here), except with
 * Faster R-CNN's fork field {@code scale_train: false}: that fork trains without scaling and so scales the test
 * output by 1 / scale = 1 - dropout_ratio (its dropout_layer.cpp, in its float arithmetic; OpenCV does the same).
 */
public final class DropoutOp extends ElementwiseUnaryOp<DropoutOp.Params> {
    /** @param factor 1 (identity) or the fork's test-time factor */
    public record Params(float factor) {
    }

    @Override
    public String type() {
        return "Dropout";
    }

    @Override
    protected Params parseParams(LayerContext ctx) {
        var q = ctx.layer().getDropoutParam();
        float ratio = q.getDropoutRatio();
        if (ratio < 0 || ratio >= 1) {
            throw ctx.invalid("dropout_param.dropout_ratio", "is " + ratio + "; must be in [0, 1)");
        }
        if (q.getScaleTrain()) {
            return new Params(1f);
        }
        float scale = (float) (1. / (1. - ratio)); // the fork's Dtype scale_
        return new Params((float) (1. / scale));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        int n = (int) ctx.inputShapes().get(0).count();
        float factor = p.factor();
        return (inputs, outputs, par) -> {
            if (factor == 1f) {
                if (inputs[0] != outputs[0]) {
                    System.arraycopy(inputs[0], 0, outputs[0], 0, n);
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                outputs[0][i] = inputs[0][i] * factor;
            }
        };
    }
}
