package org.caffe4j.ops;

import org.caffe4j.kernels.act.Pointwise;

/** Caffe's Threshold: 1 where x > threshold_param.threshold, else 0. */
public final class ThresholdOp extends ElementwiseUnaryOp<ThresholdOp.Params> {
    public record Params(float threshold) {
    }

    @Override
    public String type() {
        return "Threshold";
    }

    @Override
    protected Params parseParams(LayerContext ctx) {
        return new Params(ctx.layer().getThresholdParam().getThreshold());
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        int n = (int) ctx.inputShapes().get(0).count();
        return Elementwise.chunked(n, (in, out, from, len) -> Pointwise.threshold(in, out, from, len, p.threshold()));
    }
}
