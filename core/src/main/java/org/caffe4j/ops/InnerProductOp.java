package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.dense.InnerProductPackedGemm;
import org.caffe4j.kernels.dense.InnerProductReference;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.List;

/** Caffe's InnerProduct (fully connected) with axis and transpose. */
public final class InnerProductOp implements OpDefinition<InnerProductOp.Params> {
    public record Params(int numOutput, boolean biasTerm, int axis, boolean transpose) {
    }

    @Override
    public String type() {
        return "InnerProduct";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.InnerProductParameter p = ctx.layer().getInnerProductParam();
        if (!p.hasNumOutput() || p.getNumOutput() <= 0) {
            throw ctx.invalid("inner_product_param.num_output", "must be set and positive (got " + p.getNumOutput() + ")");
        }
        return new Params((int) p.getNumOutput(), p.getBiasTerm(), p.getAxis(), p.getTranspose());
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        int axis = x.canonicalAxis(p.axis(), ctx.label() + ": inner_product_param.axis");
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < axis; i++) {
            dims.add(x.dim(i));
        }
        dims.add(p.numOutput());
        return List.of(Shape.of(dims.stream().mapToInt(Integer::intValue).toArray()));
    }

    private static int k(Params p, Shape x) {
        int axis = x.canonicalAxis(p.axis(), "inner_product_param.axis");
        return (int) x.count(axis, x.rank());
    }

    @Override
    public List<Shape> weightShapes(Params p, List<Shape> in) {
        int k = k(p, in.get(0));
        Shape w = p.transpose() ? Shape.of(k, p.numOutput()) : Shape.of(p.numOutput(), k);
        return p.biasTerm() ? List.of(w, Shape.of(p.numOutput())) : List.of(w);
    }

    @Override
    public long multiplyAdds(Params p, List<Shape> in, List<Shape> out) {
        return out.get(0).count() * k(p, in.get(0));
    }

    @Override
    public boolean fusesRelu() {
        return true;
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int k = k(p, x);
        int m = (int) (x.count() / k), n = p.numOutput();
        float[] w = ctx.weights().get(0).data();
        float[] b = p.biasTerm() ? ctx.weights().get(1).data() : null;
        Float slope = ctx.fusedReluSlope();
        return (inputs, outputs, par) -> {
            InnerProductReference.forward(inputs[0], w, b, outputs[0], m, n, k, p.transpose());
            if (slope != null) {
                org.caffe4j.kernels.act.Activations.relu(outputs[0], 0, outputs[0], 0, m * n, slope);
            }
        };
    }

    /**
     * The packed kernel: weights packed once per model (memoised, so a reshape to another batch reuses them), a
     * weight-streaming GEMV at small batch and the packed SGEMM above it, bias and a planner-fused ReLU applied in
     * the output pass.
     */
    @Override
    public LayerKernel lower(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int k = k(p, x);
        int m = (int) (x.count() / k), n = p.numOutput();
        Float slope = ctx.fusedReluSlope();
        Activation act = slope == null ? Activation.NONE : Activation.relu(slope);
        InnerProductPackedGemm kernel = ctx.memo("packed-gemm relu=" + slope, () -> new InnerProductPackedGemm(
                ctx.weights().get(0).data(), p.biasTerm() ? ctx.weights().get(1).data() : null, n, k, p.transpose(),
                act, m, ctx.kernels().sgemm(), ctx.kernels().gemv()));
        ctx.weightsKeptByKernel(0, kernel::unpackWeights);
        return LayerKernel.readingWeights(kernel.weightBytes(),
                (inputs, outputs, par) -> kernel.forward(inputs[0], 0, m, outputs[0], 0, par));
    }
}
