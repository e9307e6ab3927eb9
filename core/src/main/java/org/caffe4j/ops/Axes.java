package org.caffe4j.ops;

import org.caffe4j.ir.Shape;

/** Axis parameters read the way Caffe reads them, with errors that name the layer and the field. */
final class Axes {
    private Axes() {
    }

    /**
     * Caffe's CanonicalAxisIndex: a negative axis counts from the end. A legacy field ({@code concat_dim},
     * {@code slice_dim}) is a uint32 and gets no negative indexing, as in Caffe.
     *
     * @param ctx null only where the shapes were already checked by outputShapes
     */
    static int canonical(Shape x, int axis, boolean legacy, String field, LayerContext ctx) {
        int a = axis < 0 && !legacy ? axis + x.rank() : axis;
        if (a < 0 || a >= x.rank()) {
            throw ctx.invalid(field, "= " + (legacy ? Integer.toUnsignedString(axis) : String.valueOf(axis))
                    + " is out of range for a bottom of shape " + x);
        }
        return a;
    }

    static int canonical(Shape x, int axis, String field, LayerContext ctx) {
        return canonical(x, axis, false, field, ctx);
    }
}
