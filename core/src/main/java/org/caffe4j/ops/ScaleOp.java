package org.caffe4j.ops;

import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.act.ElementwiseKernels;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.List;

/**
 * Caffe's Scale: out = x * s (+ b), s broadcast over the axes [axis, axis + num_axes) of x. With one bottom, s is
 * the first blob, its shape x's dims on those axes (num_axes -1: to the end, 0: a scalar); with two bottoms s is
 * bottom[1] (and num_axes is ignored). bias_term adds a bias of s's shape: blob 1 with one bottom, blob 0 with two,
 * as Caffe numbers them.
 */
public final class ScaleOp implements ElementwiseKernelsOp<ScaleOp.Params> {
    public record Params(int axis, int numAxes, boolean biasTerm, boolean twoBottoms) {
    }

    @Override
    public String type() {
        return "Scale";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 2);
        ctx.requireTops(1, 1);
        Caffe.ScaleParameter q = ctx.layer().getScaleParam();
        checkNumAxes(ctx, "scale_param.num_axes", q.getNumAxes());
        return new Params(q.getAxis(), q.getNumAxes(), q.getBiasTerm(), ctx.layer().getBottomCount() == 2);
    }

    static void checkNumAxes(LayerContext ctx, String field, int numAxes) {
        if (numAxes < -1) {
            throw ctx.invalid(field, "is " + numAxes + "; must be -1 (all remaining axes) or at least 0");
        }
    }

    /**
     * Where the broadcast operand sits in x: {outer, dim, inner, axis, number of axes}. Checks the shapes as
     * Caffe's Reshape does.
     *
     * @param operand the second bottom's shape, or null for a blob derived from x
     */
    static int[] view(Shape x, Shape operand, int axisParam, int numAxes, String prefix, LayerContext ctx) {
        int axis;
        int span;
        if (operand == null) {
            axis = Axes.canonical(x, axisParam, prefix + "axis", ctx);
            span = numAxes == -1 ? x.rank() - axis : numAxes;
            if (axis + span > x.rank()) {
                throw ctx.invalid(prefix + "num_axes", "= " + numAxes + " from axis " + axis + " goes past the "
                        + x.rank() + " axes of the bottom " + x);
            }
        } else {
            // A scalar operand applies to everything (Caffe then uses axis 0).
            axis = operand.rank() == 0 ? 0 : Axes.canonical(x, axisParam, prefix + "axis", ctx);
            span = operand.rank();
            boolean fits = axis + span <= x.rank();
            for (int i = 0; fits && i < span; i++) {
                fits = x.dim(axis + i) == operand.dim(i);
            }
            if (!fits) {
                throw ctx.invalid("bottom[1]", "has shape " + operand + ", which does not match bottom[0] " + x
                        + " from axis " + axis);
            }
        }
        return new int[]{(int) x.count(0, axis), (int) x.count(axis, axis + span), (int) x.count(axis + span, x.rank()),
                axis, span};
    }

    /** The operand's shape: x's dims on the broadcast axes. */
    static Shape operandShape(Shape x, int[] view) {
        int[] d = new int[view[4]];
        for (int i = 0; i < d.length; i++) {
            d[i] = x.dim(view[3] + i);
        }
        return Shape.of(d);
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        view(in.get(0), p.twoBottoms() ? in.get(1) : null, p.axis(), p.numAxes(), "scale_param.", ctx);
        return List.of(in.get(0));
    }

    @Override
    public List<Shape> weightShapes(Params p, List<Shape> in) {
        List<Shape> out = new ArrayList<>();
        Shape s = p.twoBottoms() ? in.get(1)
                : operandShape(in.get(0), view(in.get(0), null, p.axis(), p.numAxes(), "scale_param.", null));
        if (!p.twoBottoms()) {
            out.add(s);
        }
        if (p.biasTerm()) {
            out.add(s);
        }
        return out;
    }

    /** A one-bottom Scale over exactly the channel axis of an N x C x ... bottom. */
    @Override
    public ChannelAffine channelAffine(Params p, List<Blob> weights, List<Shape> inputs) {
        Shape x = inputs.get(0);
        if (p.twoBottoms() || weights.size() != (p.biasTerm() ? 2 : 1) || x.rank() < 2
                || (p.axis() != 1 && p.axis() != 1 - x.rank())
                || !(p.numAxes() == 1 || (p.numAxes() == -1 && x.rank() == 2))) {
            return null;
        }
        float[] scale = weights.get(0).data();
        float[] shift = p.biasTerm() ? weights.get(1).data() : new float[scale.length];
        if (scale.length != x.dim(1) || shift.length != scale.length) {
            return null;
        }
        return new ChannelAffine(scale.clone(), shift.clone());
    }

    /** The per-channel x * scale + bias in vectors when {@code Simd.enabled()} (same bits as the reference). */
    @Override
    public LayerKernel kernel(Params p, KernelContext ctx, ElementwiseKernels k) {
        List<Shape> in = ctx.inputShapes();
        int[] v = view(in.get(0), p.twoBottoms() ? in.get(1) : null, p.axis(), p.numAxes(), "scale_param.", null);
        float[] scaleBlob = p.twoBottoms() ? null : ctx.weights().get(0).data();
        float[] bias = p.biasTerm() ? ctx.weights().get(p.twoBottoms() ? 0 : 1).data() : null;
        boolean hasBias = bias != null;
        return PerChannel.kernel(v[0], v[1], v[2], (ins, out, c, off, inner) -> {
            float s = scaleBlob != null ? scaleBlob[c] : ins[1][c];
            k.scaleBias(ins[0], out, off, inner, s, true, hasBias ? bias[c] : 0f, hasBias);
        });
    }
}
