package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.List;

/**
 * Caffe's Reshape: replaces the bottom axes [axis, axis + num_axes) (num_axes -1: to the end; a negative axis
 * counts from the end, -1 meaning "after the last") by {@code reshape_param.shape}, where 0 copies the bottom dim
 * at the same position and one -1 is inferred from the element count.
 */
public final class ReshapeOp implements OpDefinition<ReshapeOp.Params> {
    public record Params(List<Long> shape, int axis, int numAxes) {
    }

    @Override
    public String type() {
        return "Reshape";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.ReshapeParameter q = ctx.layer().getReshapeParam();
        List<Long> dims = q.getShape().getDimList();
        int inferred = 0;
        for (int i = 0; i < dims.size(); i++) {
            long d = dims.get(i);
            if (d < -1) {
                throw ctx.invalid("reshape_param.shape.dim", "[" + i + "] = " + d + "; dims must be -1 (infer), "
                        + "0 (copy) or positive");
            }
            if (d == -1 && ++inferred > 1) {
                throw ctx.invalid("reshape_param.shape.dim", "has more than one -1; only one dim can be inferred");
            }
        }
        if (q.getNumAxes() < -1) {
            throw ctx.invalid("reshape_param.num_axes", "is " + q.getNumAxes() + "; must be -1 (to the end) or at least 0");
        }
        return new Params(List.copyOf(dims), q.getAxis(), q.getNumAxes());
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        int start = p.axis() >= 0 ? p.axis() : x.rank() + p.axis() + 1;
        if (start < 0 || start > x.rank()) {
            throw ctx.invalid("reshape_param.axis", "= " + p.axis() + " is out of range for a bottom of shape " + x);
        }
        int end = p.numAxes() == -1 ? x.rank() : start + p.numAxes();
        if (end > x.rank()) {
            throw ctx.invalid("reshape_param.num_axes", "= " + p.numAxes() + " from axis " + start
                    + " goes past the " + x.rank() + " axes of the bottom " + x);
        }
        List<Long> d = new ArrayList<>();
        for (int i = 0; i < start; i++) {
            d.add((long) x.dim(i));
        }
        int inferAt = -1;
        for (int i = 0; i < p.shape().size(); i++) {
            long v = p.shape().get(i);
            if (v == 0) {
                if (start + i >= x.rank()) {
                    throw ctx.invalid("reshape_param.shape.dim", "[" + i + "] = 0 copies bottom axis " + (start + i)
                            + ", which a bottom of shape " + x + " does not have");
                }
                v = x.dim(start + i);
            } else if (v == -1) {
                inferAt = d.size();
            }
            d.add(v);
        }
        for (int i = end; i < x.rank(); i++) {
            d.add((long) x.dim(i));
        }
        long known = 1;
        for (int i = 0; i < d.size(); i++) {
            if (i != inferAt) {
                known *= d.get(i);
            }
        }
        if (inferAt >= 0) {
            if (x.count() % known != 0) {
                throw ctx.invalid("reshape_param.shape", "cannot infer the -1 dim: " + x.count()
                        + " elements are not a multiple of " + known);
            }
            d.set(inferAt, x.count() / known);
        }
        long[] dims = d.stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long v : dims) {
            count *= v;
        }
        if (count != x.count()) {
            throw ctx.invalid("reshape_param.shape", "gives " + count + " elements " + java.util.Arrays.toString(dims)
                    + " but the bottom " + x + " has " + x.count());
        }
        return List.of(Shape.checked(dims, ctx.label()));
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
