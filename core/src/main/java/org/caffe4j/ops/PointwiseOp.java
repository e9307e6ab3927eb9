package org.caffe4j.ops;

/**
 * A parameterless elementwise layer (AbsVal, BNLL, Sigmoid, TanH): one bottom, one top of the same shape, any
 * rank, in place allowed. Each instance differs only in its type string and its kernel in
 * {@link org.caffe4j.kernels.act.Pointwise}. (Caffe refuses in-place AbsVal only for its backward pass; the
 * forward result is the same, so it is accepted.)
 */
public final class PointwiseOp extends ElementwiseUnaryOp<PointwiseOp.Params> {
    public record Params() {
    }

    private final String type;
    private final Elementwise.RangeKernel kernel;

    public PointwiseOp(String type, Elementwise.RangeKernel kernel) {
        this.type = type;
        this.kernel = kernel;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    protected Params parseParams(LayerContext ctx) {
        return new Params();
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        return Elementwise.chunked((int) ctx.inputShapes().get(0).count(), kernel);
    }
}
