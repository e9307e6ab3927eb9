package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.layout.BlockCopy;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.List;

/**
 * Caffe's Slice: splits bottom along {@code slice_param.axis} (or legacy {@code slice_dim}) into the tops, at the
 * {@code slice_point}s (one fewer than tops) or into equal parts. A slice point equal to the axis length (an
 * empty top, which Caffe allows) is rejected: caffe4j blobs are never empty.
 */
public final class SliceOp implements OpDefinition<SliceOp.Params> {
    public record Params(int axis, boolean legacyDim, List<Integer> slicePoints, int tops) {
    }

    @Override
    public String type() {
        return "Slice";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, Integer.MAX_VALUE);
        Caffe.SliceParameter q = ctx.layer().getSliceParam();
        int tops = ctx.layer().getTopCount();
        if (q.hasAxis() && q.hasSliceDim()) {
            throw ctx.invalid("slice_param.slice_dim", "is given together with slice_param.axis; give one");
        }
        if (q.hasSliceDim() && q.getSliceDim() < 0) {
            throw ctx.invalid("slice_param.slice_dim", "is " + Integer.toUnsignedString(q.getSliceDim()) + "; too large");
        }
        List<Integer> points = q.getSlicePointList();
        if (!points.isEmpty()) {
            if (points.size() != tops - 1) {
                throw ctx.invalid("slice_param.slice_point", "has " + points.size() + " values for " + tops
                        + " tops; expected " + (tops - 1));
            }
            long prev = 0;
            for (int i = 0; i < points.size(); i++) {
                long v = Integer.toUnsignedLong(points.get(i));
                if (v <= prev) {
                    throw ctx.invalid("slice_param.slice_point", "[" + i + "] = " + v + " must be greater than "
                            + (i == 0 ? "0" : "the previous point " + prev));
                }
                prev = v;
            }
        }
        return q.hasSliceDim() ? new Params(q.getSliceDim(), true, List.copyOf(points), tops)
                : new Params(q.getAxis(), false, List.copyOf(points), tops);
    }

    /** Sizes of the slices along the axis. */
    private static int[] sizes(Params p, int axisLength, LayerContext ctx) {
        int[] out = new int[p.tops()];
        if (p.slicePoints().isEmpty()) {
            if (axisLength % p.tops() != 0) {
                throw ctx.invalid("top", "count " + p.tops() + " does not evenly divide the slice axis length "
                        + axisLength + " (give slice_param.slice_point)");
            }
            java.util.Arrays.fill(out, axisLength / p.tops());
            return out;
        }
        int prev = 0;
        for (int i = 0; i < p.slicePoints().size(); i++) {
            int v = p.slicePoints().get(i);
            if (v >= axisLength || v < 0) {
                throw ctx.invalid("slice_param.slice_point", "[" + i + "] = " + Integer.toUnsignedString(v)
                        + " must be less than the slice axis length " + axisLength);
            }
            out[i] = v - prev;
            prev = v;
        }
        out[out.length - 1] = axisLength - prev;
        return out;
    }

    private static int axis(Params p, Shape x, LayerContext ctx) {
        return Axes.canonical(x, p.axis(), p.legacyDim(), p.legacyDim() ? "slice_param.slice_dim" : "slice_param.axis", ctx);
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        int axis = axis(p, x, ctx);
        List<Shape> out = new ArrayList<>();
        for (int size : sizes(p, x.dim(axis), ctx)) {
            out.add(x.withDim(axis, size));
        }
        return out;
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int axis = axis(p, x, null);
        int outer = (int) x.count(0, axis), inner = (int) x.count(axis + 1, x.rank()), total = x.dim(axis);
        int[] sizes = sizes(p, total, null);
        int[] starts = new int[sizes.length];
        for (int i = 1; i < sizes.length; i++) {
            starts[i] = starts[i - 1] + sizes[i - 1];
        }
        return (inputs, outputs, par) -> par.forEach(sizes.length, t ->
                BlockCopy.copy(inputs[0], total, starts[t], outputs[t], sizes[t], 0, outer, sizes[t], inner));
    }
}
