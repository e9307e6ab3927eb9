package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.act.Pointwise;

import java.util.List;

/** Caffe's Sigmoid: 1 / (1 + e^-x), computed as 0.5 tanh(x/2) + 0.5 like Caffe. */
public final class SigmoidOp implements OpDefinition<SigmoidOp.Params> {
    public record Params() {
    }

    @Override
    public String type() {
        return "Sigmoid";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        return new Params(); // engine (CAFFE/CUDNN) does not change the arithmetic
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
        return Elementwise.chunked(n, (in, out, from, len) -> Pointwise.sigmoid(in, out, from, len));
    }
}
