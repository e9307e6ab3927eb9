package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.layout.TileCopy;
import org.caffe4j.proto.Caffe;

import java.util.List;

/** Caffe's Tile: {@code tiles} copies of the blob along {@code axis} (default 1), each axis slice repeated as a block. */
public final class TileOp implements OpDefinition<TileOp.Params> {
    public record Params(int axis, int tiles) {
    }

    @Override
    public String type() {
        return "Tile";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.TileParameter q = ctx.layer().getTileParam();
        if (q.getTiles() < 1) {
            throw ctx.invalid("tile_param.tiles", (q.hasTiles() ? "is " + q.getTiles() + "; must be at least 1"
                    : "is required"));
        }
        return new Params(q.getAxis(), q.getTiles());
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        int axis = Axes.canonical(x, p.axis(), "tile_param.axis", ctx);
        long[] d = new long[x.rank()];
        for (int i = 0; i < d.length; i++) {
            d[i] = i == axis ? (long) x.dim(i) * p.tiles() : x.dim(i);
        }
        return List.of(Shape.checked(d, ctx.label() + ": tile_param.tiles"));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int axis = Axes.canonical(x, p.axis(), "tile_param.axis", null);
        int outer = (int) x.count(0, axis), inner = (int) x.count(axis, x.rank());
        return (inputs, outputs, par) -> TileCopy.forward(inputs[0], outputs[0], outer, inner, p.tiles());
    }
}
