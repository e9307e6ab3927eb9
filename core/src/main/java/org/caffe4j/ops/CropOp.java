package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.layout.BlockCopy;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * Caffe's Crop: crops bottom[0] to bottom[1]'s size on the axes from {@code crop_param.axis} (default 2) on,
 * starting at {@code offset} (none: 0; one: the same on every cropped axis; else one per cropped axis).
 */
public final class CropOp implements OpDefinition<CropOp.Params> {
    public record Params(int axis, List<Long> offsets) {
    }

    @Override
    public String type() {
        return "Crop";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(2, 2);
        ctx.requireTops(1, 1);
        Caffe.CropParameter q = ctx.layer().getCropParam();
        List<Long> offsets = q.getOffsetList().stream().map(Integer::toUnsignedLong).toList();
        return new Params(q.getAxis(), offsets);
    }

    /** Per-axis offsets for a bottom of rank {@code rank} (0 before the crop axis). */
    private static int[] offsets(Params p, Shape x, Shape ref, LayerContext ctx) {
        int axis = Axes.canonical(x, p.axis(), "crop_param.axis", ctx);
        int cropped = x.rank() - axis;
        if (p.offsets().size() > 1 && p.offsets().size() != cropped) {
            throw ctx.invalid("crop_param.offset", "has " + p.offsets().size() + " values; expected 0, 1 or " + cropped
                    + " (one per axis from axis " + axis + " of a bottom of shape " + x + ")");
        }
        if (ref.rank() < x.rank()) {
            throw ctx.invalid("bottom[1]", "has shape " + ref + ", fewer axes than bottom[0] " + x);
        }
        int[] out = new int[x.rank()];
        for (int i = axis; i < x.rank(); i++) {
            long off = p.offsets().isEmpty() ? 0 : p.offsets().get(p.offsets().size() == 1 ? 0 : i - axis);
            if (x.dim(i) - off < ref.dim(i)) {
                throw ctx.invalid("crop_param.offset", "= " + off + " on axis " + i + ": a crop of " + ref.dim(i)
                        + " from there goes past bottom[0]'s " + x.dim(i));
            }
            out[i] = (int) off;
        }
        return out;
    }

    private static Shape outShape(Params p, Shape x, Shape ref) {
        int axis = p.axis() < 0 ? p.axis() + x.rank() : p.axis();
        int[] d = x.dims();
        for (int i = axis; i < d.length; i++) {
            d[i] = ref.dim(i);
        }
        return Shape.of(d);
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        offsets(p, in.get(0), in.get(1), ctx);
        return List.of(outShape(p, in.get(0), in.get(1)));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0), y = ctx.outputShapes().get(0);
        int[] offsets = offsets(p, x, ctx.inputShapes().get(1), null);
        int[] inDims = x.dims(), outDims = y.dims();
        return (inputs, outputs, par) -> BlockCopy.crop(inputs[0], inDims, offsets, outputs[0], outDims);
    }
}
