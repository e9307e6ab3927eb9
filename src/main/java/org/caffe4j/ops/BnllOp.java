package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.act.Pointwise;

import java.util.List;

/** Caffe's BNLL (binomial normal log likelihood): log(1 + e^x), computed stably as Caffe does. */
public final class BnllOp implements OpDefinition<BnllOp.Params> {
    public record Params() {
    }

    @Override
    public String type() {
        return "BNLL";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
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
        return Elementwise.chunked(n, (in, out, from, len) -> Pointwise.bnll(in, out, from, len));
    }
}
