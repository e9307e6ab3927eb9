package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.act.ElementwiseKernels;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * Caffe's Eltwise over two or more equally shaped bottoms: SUM (with optional per-bottom coeff), PROD, MAX
 * (coeff accepted and ignored, as Caffe). SUM also takes a single bottom, as in FlowNet 2.0's fork (its deploy nets
 * scale a blob with it: {@code coeff: 20}); BVLC Caffe requires two.
 * stable_prod_grad only affects the backward pass.
 */
public final class EltwiseOp implements ElementwiseKernelsOp<EltwiseOp.Params> {
    /** Caffe's EltwiseOp, as the node keeps it (no protobuf type in the graph). */
    public enum Operation { PROD, SUM, MAX }

    public record Params(Operation operation, float[] coeff) {
    }

    @Override
    public String type() {
        return "Eltwise";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, Integer.MAX_VALUE);
        ctx.requireTops(1, 1);
        Caffe.EltwiseParameter q = ctx.layer().getEltwiseParam();
        if (ctx.layer().getBottomCount() == 1 && q.getOperation() != Caffe.EltwiseParameter.EltwiseOp.SUM) {
            throw ctx.invalid("bottom", "has 1 blob; " + q.getOperation() + " needs at least 2 (only SUM takes one, "
                    + "as FlowNet 2.0's fork allows)");
        }
        int bottoms = ctx.layer().getBottomCount();
        // Caffe refuses coefficients for PROD only; with MAX it accepts and ignores them, and so does caffe4j.
        if (q.getCoeffCount() > 0 && q.getOperation() == Caffe.EltwiseParameter.EltwiseOp.PROD) {
            throw ctx.invalid("eltwise_param.coeff", "is only allowed with operation SUM (got PROD)");
        }
        if (q.getCoeffCount() != 0 && q.getCoeffCount() != bottoms) {
            throw ctx.invalid("eltwise_param.coeff", "has " + q.getCoeffCount() + " values for " + bottoms
                    + " bottoms; give none or one per bottom");
        }
        float[] coeff = new float[bottoms];
        for (int i = 0; i < bottoms; i++) {
            coeff[i] = q.getCoeffCount() == 0 ? 1f : q.getCoeff(i);
        }
        return new Params(Operation.valueOf(q.getOperation().name()), coeff);
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        for (int i = 1; i < in.size(); i++) {
            if (!in.get(i).equals(in.get(0))) {
                throw ctx.invalid("bottom[" + i + "]", "has shape " + in.get(i) + "; Eltwise needs every bottom "
                        + "shaped like bottom[0] " + in.get(0));
            }
        }
        return List.of(in.get(0));
    }

    /** SUM, PROD and MAX in vectors when {@code Simd.enabled()}, bit-identical to the reference. */
    @Override
    public LayerKernel kernel(Params p, KernelContext ctx, ElementwiseKernels k) {
        int n = (int) ctx.inputShapes().get(0).count();
        int tasks = (n + Elementwise.CHUNK - 1) / Elementwise.CHUNK;
        return (inputs, outputs, par) -> par.forEach(tasks, t -> {
            int from = t * Elementwise.CHUNK, len = Math.min(Elementwise.CHUNK, n - from);
            switch (p.operation()) {
                case SUM -> k.sum(inputs, p.coeff(), outputs[0], from, len);
                case PROD -> k.prod(inputs, outputs[0], from, len);
                case MAX -> k.max(inputs, outputs[0], from, len);
            }
        });
    }
}
