package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.act.Pointwise;

import java.util.List;

/** Caffe's ELU: x for x > 0, alpha * (e^x - 1) otherwise. */
public final class EluOp implements OpDefinition<EluOp.Params> {
    public record Params(float alpha) {
    }

    @Override
    public String type() {
        return "ELU";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        return new Params(ctx.layer().getEluParam().getAlpha());
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
        return Elementwise.chunked(n, (in, out, from, len) -> Pointwise.elu(in, out, from, len, p.alpha()));
    }
}
