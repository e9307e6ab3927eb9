package org.caffe4j.ops;

import org.caffe4j.kernels.act.Pointwise;

/** Caffe's ELU: x for x > 0, alpha * (e^x - 1) otherwise. */
public final class EluOp extends ElementwiseUnaryOp<EluOp.Params> {
    public record Params(float alpha) {
    }

    @Override
    public String type() {
        return "ELU";
    }

    @Override
    protected Params parseParams(LayerContext ctx) {
        return new Params(ctx.layer().getEluParam().getAlpha());
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        int n = (int) ctx.inputShapes().get(0).count();
        return Elementwise.chunked(n, (in, out, from, len) -> Pointwise.elu(in, out, from, len, p.alpha()));
    }
}
