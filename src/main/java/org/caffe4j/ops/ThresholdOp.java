package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.act.Pointwise;

import java.util.List;

/** Caffe's Threshold: 1 where x > threshold_param.threshold, else 0. */
public final class ThresholdOp implements OpDefinition<ThresholdOp.Params> {
    public record Params(float threshold) {
    }

    @Override
    public String type() {
        return "Threshold";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        return new Params(ctx.layer().getThresholdParam().getThreshold());
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
        return Elementwise.chunked(n, (in, out, from, len) -> Pointwise.threshold(in, out, from, len, p.threshold()));
    }
}
