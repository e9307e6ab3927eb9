package org.caffe4j.ops;

import org.caffe4j.kernels.act.Pointwise;
import org.caffe4j.proto.Caffe;

/** Caffe's Log: log_base(shift + scale * x), base -1 meaning e (log_layer.cpp: ln(...) * (1 / ln(base))). */
public final class LogOp extends ElementwiseUnaryOp<LogOp.Params> {
    public record Params(float scale, float shift, float baseScale) {
    }

    @Override
    public String type() {
        return "Log";
    }

    @Override
    protected Params parseParams(LayerContext ctx) {
        Caffe.LogParameter q = ctx.layer().getLogParam();
        float base = q.getBase();
        if (base != -1f && !(base > 0f && Float.isFinite(base))) {
            throw ctx.invalid("log_param.base", "is " + base + "; must be -1 (for e) or a finite value > 0");
        }
        float logBase = base == -1f ? 1f : (float) Math.log(base);
        float baseScale = 1f / logBase;
        // Caffe rejects base 1 (and bases so close to 1 that 1/ln(base) overflows float).
        if (!Float.isFinite(baseScale)) {
            throw ctx.invalid("log_param.base", "is " + base + "; its logarithm is 0, so log base " + base + " is undefined");
        }
        return new Params(q.getScale(), q.getShift(), baseScale);
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        int n = (int) ctx.inputShapes().get(0).count();
        return Elementwise.chunked(n, (in, out, from, len) -> Pointwise.log(in, out, from, len, p.scale(), p.shift(), p.baseScale()));
    }
}
