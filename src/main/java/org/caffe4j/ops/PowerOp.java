package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.act.Pointwise;

import java.util.List;

/** Caffe's Power: (shift + scale * x)^power; a negative base with a fractional power gives NaN, as in Caffe. */
public final class PowerOp implements OpDefinition<PowerOp.Params> {
    public record Params(float power, float scale, float shift) {
    }

    @Override
    public String type() {
        return "Power";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        org.caffe4j.proto.Caffe.PowerParameter q = ctx.layer().getPowerParam();
        return new Params(q.getPower(), q.getScale(), q.getShift());
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
        return Elementwise.chunked(n, (in, out, from, len) -> Pointwise.power(in, out, from, len, p.power(), p.scale(), p.shift()));
    }
}
