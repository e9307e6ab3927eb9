package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.layout.BatchedTranspose;
import org.caffe4j.kernels.layout.PermuteCopy;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.List;

/**
 * The SSD fork's Permute (weiliu89/caffe ssd, permute_layer.cpp): top axis i is bottom axis order[i]; the axes
 * that {@code permute_param.order} leaves out follow in their old order. SSD uses order 0,2,3,1 to put the
 * channels (box coordinates or class scores) last before Flatten. Orders that keep leading axes and swap the two
 * runs of axes after them (0,2,3,1 and 0,3,1,2 among them) run as a tiled, threaded batched transpose
 * ({@link BatchedTranspose}); the others, and the reference, as {@link PermuteCopy}.
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

    /**
     * {batch, rows, cols} when the full order is 0..k-1, then m..rank-1, then k..m-1 (k < m < rank): a transpose of
     * rows (axes k..m-1) and cols (axes m..) for each of batch (axes below k); null otherwise.
     */
    static int[] asTranspose(int[] order, int[] dims) {
        int rank = order.length, k = 0;
        while (k < rank && order[k] == k) {
            k++;
        }
        if (k >= rank - 1) {
            return null; // the identity
        }
        int m = order[k];
        for (int i = 0; i < rank - m; i++) {
            if (order[k + i] != m + i) {
                return null;
            }
        }
        for (int i = 0; i < m - k; i++) {
            if (order[k + rank - m + i] != k + i) {
                return null;
            }
        }
        long batch = 1, rows = 1, cols = 1;
        for (int a = 0; a < k; a++) {
            batch *= dims[a];
        }
        for (int a = k; a < m; a++) {
            rows *= dims[a];
        }
        for (int a = m; a < rank; a++) {
            cols *= dims[a];
        }
        return new int[]{(int) batch, (int) rows, (int) cols};
    }

    @Override
    public LayerKernel lower(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int[] t = asTranspose(fullOrder(p, x.rank()), x.dims());
        if (t == null || t[1] == 1 || t[2] == 1) {
            return reference(p, ctx); // a copy or an order no transpose expresses
        }
        return (inputs, outputs, par) -> BatchedTranspose.forward(inputs[0], outputs[0], t[0], t[1], t[2], par);
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
