package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.List;

/** Caffe's Flatten: merges the axes [axis, end_axis] (negative counts from the end) into one. */
public final class FlattenOp implements OpDefinition<FlattenOp.Params> {
    public record Params(int axis, int endAxis) {
    }

    @Override
    public String type() {
        return "Flatten";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.FlattenParameter q = ctx.layer().getFlattenParam();
        return new Params(q.getAxis(), q.getEndAxis());
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        int start = Axes.canonical(x, p.axis(), "flatten_param.axis", ctx);
        int end = Axes.canonical(x, p.endAxis(), "flatten_param.end_axis", ctx);
        // Caffe's Blob::count(start, end + 1) needs start <= end + 1.
        if (start > end + 1) {
            throw ctx.invalid("flatten_param.end_axis", "= " + p.endAxis() + " (axis " + end + ") comes before axis "
                    + start + " in a bottom of shape " + x);
        }
        List<Integer> d = new ArrayList<>();
        for (int i = 0; i < start; i++) {
            d.add(x.dim(i));
        }
        d.add((int) x.count(start, end + 1));
        for (int i = end + 1; i < x.rank(); i++) {
            d.add(x.dim(i));
        }
        return List.of(Shape.of(d.stream().mapToInt(Integer::intValue).toArray()));
    }

    @Override
    public boolean inPlaceCapable() {
        return true;
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        return Reshapes.copy((int) ctx.inputShapes().get(0).count());
    }
}
