package org.caffe4j.ops;

import org.caffe4j.kernels.act.Pointwise;

/** Caffe's Power: (shift + scale * x)^power; a negative base with a fractional power gives NaN, as in Caffe. */
public final class PowerOp extends ElementwiseUnaryOp<PowerOp.Params> {
    public record Params(float power, float scale, float shift) {
    }

    @Override
    public String type() {
        return "Power";
    }

    @Override
    protected Params parseParams(LayerContext ctx) {
        org.caffe4j.proto.Caffe.PowerParameter q = ctx.layer().getPowerParam();
        return new Params(q.getPower(), q.getScale(), q.getShift());
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        int n = (int) ctx.inputShapes().get(0).count();
        return Elementwise.chunked(n, (in, out, from, len) -> Pointwise.power(in, out, from, len, p.power(), p.scale(), p.shift()));
    }
}
