package org.caffe4j.ops;

import org.caffe4j.kernels.act.Activations;
import org.caffe4j.kernels.act.ElementwiseKernels;
import org.caffe4j.kernels.simd.Simd;

/** Caffe's ReLU with negative_slope (leaky when non-zero). */
public final class ReluOp extends ElementwiseUnaryOp<ReluOp.Params> {
    public record Params(float negativeSlope) {
    }

    @Override
    public String type() {
        return "ReLU";
    }

    @Override
    protected Params parseParams(LayerContext ctx) {
        return new Params(ctx.layer().getReluParam().getNegativeSlope());
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        int n = (int) ctx.inputShapes().get(0).count();
        return Elementwise.chunked(n, (in, out, from, len) -> Activations.relu(in, from, out, from, len, p.negativeSlope()));
    }

    /** The same select per element, in vectors when {@link Simd#enabled()} (bit-identical to the reference). */
    @Override
    public LayerKernel lower(Params p, KernelContext ctx) {
        int n = (int) ctx.inputShapes().get(0).count();
        ElementwiseKernels k = ctx.kernels().elementwise();
        return Elementwise.chunked(n, (in, out, from, len) -> k.relu(in, from, out, from, len, p.negativeSlope()));
    }
}
