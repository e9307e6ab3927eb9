package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.layout.BlockCopy;
import org.caffe4j.proto.Caffe;

import java.util.List;

/** Caffe's Concat along {@code concat_param.axis} (negative counts from the end) or the legacy {@code concat_dim}. */
public final class ConcatOp implements OpDefinition<ConcatOp.Params> {
    /** @param legacyDim true when the axis came from concat_dim (no negative indexing) */
    public record Params(int axis, boolean legacyDim) {
    }

    @Override
    public String type() {
        return "Concat";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, Integer.MAX_VALUE);
        ctx.requireTops(1, 1);
        Caffe.ConcatParameter q = ctx.layer().getConcatParam();
        if (q.hasAxis() && q.hasConcatDim()) {
            throw ctx.invalid("concat_param.concat_dim", "is given together with concat_param.axis; give one");
        }
        if (q.hasConcatDim()) {
            // A uint32; Caffe refuses values that turn negative as int32.
            if (q.getConcatDim() < 0) {
                throw ctx.invalid("concat_param.concat_dim", "is " + Integer.toUnsignedString(q.getConcatDim()) + "; too large");
            }
            return new Params(q.getConcatDim(), true);
        }
        return new Params(q.getAxis(), false);
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape first = in.get(0);
        int axis = Axes.canonical(first, p.axis(), p.legacyDim(), p.legacyDim() ? "concat_param.concat_dim" : "concat_param.axis", ctx);
        long total = 0;
        for (int i = 0; i < in.size(); i++) {
            Shape s = in.get(i);
            boolean same = s.rank() == first.rank();
            for (int a = 0; same && a < s.rank(); a++) {
                same = a == axis || s.dim(a) == first.dim(a);
            }
            if (!same) {
                throw ctx.invalid("bottom[" + i + "]", "has shape " + s + "; it must match bottom[0] " + first
                        + " on every axis but the concat axis " + axis);
            }
            total += s.dim(axis);
        }
        int[] d = first.dims();
        long[] out = new long[d.length];
        for (int a = 0; a < d.length; a++) {
            out[a] = a == axis ? total : d[a];
        }
        return List.of(Shape.checked(out, ctx.label()));
    }

    /** With only size-1 axes before the concat axis, each input is one run of the output, in order. */
    @Override
    public long[] inputsLaidEndToEnd(Params p, List<Shape> in, List<Shape> out) {
        Shape y = out.get(0);
        int axis = Axes.canonical(y, p.axis(), p.legacyDim(), "", null);
        if (y.count(0, axis) != 1) {
            return null;
        }
        long[] offsets = new long[in.size()];
        for (int i = 1; i < offsets.length; i++) {
            offsets[i] = offsets[i - 1] + in.get(i - 1).count();
        }
        return offsets;
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        List<Shape> in = ctx.inputShapes();
        Shape y = ctx.outputShapes().get(0);
        int axis = Axes.canonical(y, p.axis(), p.legacyDim(), "", null);
        int outer = (int) y.count(0, axis), inner = (int) y.count(axis + 1, y.rank()), total = y.dim(axis);
        int[] widths = in.stream().mapToInt(s -> s.dim(axis)).toArray();
        return (inputs, outputs, par) -> par.forEach(widths.length, b -> {
            int start = 0;
            for (int i = 0; i < b; i++) {
                start += widths[i];
            }
            BlockCopy.copy(inputs[b], widths[b], 0, outputs[0], total, start, outer, widths[b], inner);
        });
    }
}
