package org.caffe4j.ops;

import org.caffe4j.kernels.act.Pointwise;
import org.caffe4j.proto.Caffe;

/**
 * Caffe's Exp: base^(shift + scale * x), base -1 meaning e. Folded as Caffe folds it (exp_layer.cpp):
 * innerScale = ln(base) * scale, outerScale = base^shift, out = outerScale * e^(innerScale * x).
 */
public final class ExpOp extends ElementwiseUnaryOp<ExpOp.Params> {
    public record Params(float innerScale, float outerScale) {
    }

    @Override
    public String type() {
        return "Exp";
    }

    @Override
    protected Params parseParams(LayerContext ctx) {
        Caffe.ExpParameter q = ctx.layer().getExpParam();
        float base = q.getBase();
        // Caffe: base must be -1 (e) or strictly positive, with a finite logarithm.
        if (base != -1f && !(base > 0f && Float.isFinite(base))) {
            throw ctx.invalid("exp_param.base", "is " + base + "; must be -1 (for e) or a finite value > 0");
        }
        float logBase = base == -1f ? 1f : (float) Math.log(base);
        float inner = logBase * q.getScale();
        float shift = q.getShift();
        float outer = shift == 0f ? 1f : (float) (base != -1f ? Math.pow(base, shift) : Math.exp(shift));
        return new Params(inner, outer);
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        int n = (int) ctx.inputShapes().get(0).count();
        return Elementwise.chunked(n, (in, out, from, len) -> Pointwise.exp(in, out, from, len, p.innerScale(), p.outerScale()));
    }
}
