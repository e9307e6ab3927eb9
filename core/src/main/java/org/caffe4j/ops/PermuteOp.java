package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.layout.PermuteCopy;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.List;

/**
 * The SSD fork's Permute (weiliu89/caffe ssd, permute_layer.cpp): top axis i is bottom axis order[i]; the axes
 * that {@code permute_param.order} leaves out follow in their old order. SSD uses order 0,2,3,1 to put the
 * channels (box coordinates or class scores) last before Flatten.
 */
public final class PermuteOp implements OpDefinition<PermuteOp.Params> {
    public record Params(List<Integer> order) {
    }

    /** Caffe's kMaxBlobAxes. */
    private static final int MAX_AXES = 32;

    @Override
    public String type() {
        return "Permute";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.PermuteParameter q = ctx.layer().getPermuteParam();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < q.getOrderCount(); i++) {
            int a = q.getOrder(i);
            if (a < 0 || a >= MAX_AXES) {
                throw ctx.invalid("permute_param.order", "[" + i + "] = " + Integer.toUnsignedString(a)
                        + " is not an axis");
            }
            if (order.contains(a)) {
                throw ctx.invalid("permute_param.order", "names axis " + a + " twice");
            }
            order.add(a);
        }
        return new Params(List.copyOf(order));
    }

    /** The full order: the given axes, then the others in their old order. */
    static int[] fullOrder(Params p, int rank) {
        int[] order = new int[rank];
        boolean[] used = new boolean[rank];
        int n = 0;
        for (int a : p.order()) {
            order[n++] = a;
            used[a] = true;
        }
        for (int a = 0; a < rank; a++) {
            if (!used[a]) {
                order[n++] = a;
            }
        }
        return order;
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        for (int a : p.order()) {
            if (a >= x.rank()) {
                throw ctx.invalid("permute_param.order", "names axis " + a + ", which a bottom of shape " + x
                        + " does not have");
            }
        }
        int[] order = fullOrder(p, x.rank());
        int[] dims = new int[x.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = x.dim(order[i]);
        }
        return List.of(Shape.of(dims));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int rank = x.rank();
        int[] order = fullOrder(p, rank);
        int[] outDims = ctx.outputShapes().get(0).dims();
        // The stride in the bottom of each top axis.
        long[] inStride = new long[rank];
        long s = 1;
        for (int a = rank - 1; a >= 0; a--) {
            inStride[a] = s;
            s *= x.dim(a);
        }
        int[] step = new int[rank];
        for (int i = 0; i < rank; i++) {
            step[i] = (int) inStride[order[i]];
        }
        int count = (int) x.count();
        return (inputs, outputs, par) -> PermuteCopy.forward(inputs[0], outputs[0], count, outDims, step);
    }
}
