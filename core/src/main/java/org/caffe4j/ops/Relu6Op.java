package org.caffe4j.ops;

import org.caffe4j.kernels.act.Pointwise;

/**
 * ReLU6 (MobileNetV2 forks, OpenCV's ReLU6): min(max(x, 0), 6). The forks' relu6_param carries a negative_slope
 * that their layer never reads; a non-zero one is refused rather than silently ignored.
 */
public final class Relu6Op extends ElementwiseUnaryOp<Relu6Op.Params> {
    public record Params() {
    }

    @Override
    public String type() {
        return "ReLU6";
    }

    @Override
    protected Params parseParams(LayerContext ctx) {
        float slope = ctx.layer().getRelu6Param().getNegativeSlope();
        if (slope != 0f) {
            throw ctx.unsupported("relu6_param.negative_slope", "= " + slope + " is not supported: the forks' ReLU6 "
                    + "layer ignores it (it clips to [0, 6]); remove the field or use ReLU with negative_slope");
        }
        return new Params();
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        int n = (int) ctx.inputShapes().get(0).count();
        return Elementwise.chunked(n, (in, out, from, len) -> Pointwise.relu6(in, out, from, len));
    }
}
