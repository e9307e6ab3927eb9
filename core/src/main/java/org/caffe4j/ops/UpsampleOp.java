package org.caffe4j.ops;

import org.caffe4j.CaffeModelException;
import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.resize.MaxUnpool;
import org.caffe4j.kernels.resize.NearestUpsample;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * The forks' Upsample, in two forms told apart by the bottom count.
 * <ul>
 * <li>Two bottoms (SegNet, alexgkendall/caffe-segnet upsample_layer.cpp): max-unpooling. Bottom 1 is the mask of
 * the MAX pooling being undone and must have bottom 0's shape; the output is upsample_h x upsample_w, or the input
 * times scale (or scale_h/scale_w, all greater than 1) minus pad_out_h/pad_out_w (only with a factor of 2).</li>
 * <li>One bottom (the YOLOv3 forks' upsample_layer.cpp): nearest-neighbour enlargement by scale (default 1 there),
 * or scale_h/scale_w.</li>
 * </ul>
 * A mask value that names no output position fails the run with an error naming the layer (SegNet stops there
 * too); negative or NaN values, undefined behaviour in the fork, are refused the same way.
 */
public final class UpsampleOp implements OpDefinition<UpsampleOp.Params> {
    /** outH/outW are fixed sizes (0 when derived); padOut* are 0 or 1. */
    public record Params(boolean withMask, int scaleH, int scaleW, int padOutH, int padOutW, int outH, int outW) {
    }

    private static final String F = "upsample_param.";

    @Override
    public String type() {
        return "Upsample";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 2);
        ctx.requireTops(1, 1);
        Caffe.UpsampleParameter q = ctx.layer().getUpsampleParam();
        boolean mask = ctx.layer().getBottomCount() == 2;
        if (q.hasScaleH() != q.hasScaleW()) {
            throw ctx.invalid(F + (q.hasScaleH() ? "scale_w" : "scale_h"), "is required with "
                    + (q.hasScaleH() ? "scale_h" : "scale_w"));
        }
        if (!mask) {
            for (String f : new String[]{"upsample_h", "upsample_w", "pad_out_h", "pad_out_w"}) {
                if (q.hasField(q.getDescriptorForType().findFieldByName(f))) {
                    throw ctx.unsupported(F + f, "needs the mask bottom of SegNet's Upsample; the one-bottom "
                            + "(nearest-neighbour) form reads scale or scale_h/scale_w only");
                }
            }
            if (q.hasScale() && q.hasScaleH()) {
                throw ctx.invalid(F + "scale", "and scale_h/scale_w contradict each other; set one");
            }
            int sh = q.hasScaleH() ? factor(ctx, "scale_h", q.getScaleH(), 1) : q.hasScale()
                    ? factor(ctx, "scale", q.getScale(), 1) : 1;
            int sw = q.hasScaleW() ? factor(ctx, "scale_w", q.getScaleW(), 1) : sh;
            return new Params(false, sh, sw, 0, 0, 0, 0);
        }
        if (q.hasUpsampleH() || q.hasUpsampleW()) {
            if (!q.hasUpsampleH() || !q.hasUpsampleW()) {
                throw ctx.invalid(F + (q.hasUpsampleH() ? "upsample_w" : "upsample_h"), "is required with "
                        + (q.hasUpsampleH() ? "upsample_h" : "upsample_w"));
            }
            return new Params(true, 0, 0, 0, 0, factor(ctx, "upsample_h", q.getUpsampleH(), 2),
                    factor(ctx, "upsample_w", q.getUpsampleW(), 2));
        }
        if (q.hasScale() && q.hasScaleH()) {
            throw ctx.invalid(F + "scale", "and scale_h/scale_w contradict each other; set one (SegNet's check)");
        }
        int sh = q.hasScaleH() ? factor(ctx, "scale_h", q.getScaleH(), 2) : factor(ctx, "scale", q.getScale(), 2);
        int sw = q.hasScaleW() ? factor(ctx, "scale_w", q.getScaleW(), 2) : sh;
        if (q.getPadOutH() && sh != 2) {
            throw ctx.invalid(F + "pad_out_h", "needs a height factor of 2 (it is " + sh + "), as in SegNet");
        }
        if (q.getPadOutW() && sw != 2) {
            throw ctx.invalid(F + "pad_out_w", "needs a width factor of 2 (it is " + sw + "), as in SegNet");
        }
        return new Params(true, sh, sw, q.getPadOutH() ? 1 : 0, q.getPadOutW() ? 1 : 0, 0, 0);
    }

    /** A uint32/int32 field that must be at least {@code min} (values above 2^31 arrive negative). */
    private static int factor(LayerContext ctx, String field, int value, int min) {
        if (value < min) {
            throw ctx.invalid(F + field, "is " + (value < 0 ? Integer.toUnsignedString(value) : value)
                    + "; must be at least " + min + " and at most " + Integer.MAX_VALUE);
        }
        return value;
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() != 4) {
            throw ctx.invalid("bottom", "has shape " + x + "; Upsample needs N x C x H x W");
        }
        if (p.withMask() && !in.get(1).equals(x)) {
            throw ctx.invalid("bottom[1]", "(the mask) has shape " + in.get(1) + "; it must have bottom[0]'s shape "
                    + x + ", as in SegNet");
        }
        long h = p.outH() > 0 ? p.outH() : (long) x.dim(2) * p.scaleH() - p.padOutH();
        long w = p.outW() > 0 ? p.outW() : (long) x.dim(3) * p.scaleW() - p.padOutW();
        return List.of(Shape.checked(new long[]{x.dim(0), x.dim(1), h, w}, ctx.label() + ": " + F + "scale"));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0), y = ctx.outputShapes().get(0);
        int planes = x.dim(0) * x.dim(1), inH = x.dim(2), inW = x.dim(3);
        if (!p.withMask()) {
            return (inputs, outputs, par) -> par.forEach(planes,
                    c -> NearestUpsample.plane(inputs[0], outputs[0], c, inH, inW, p.scaleH(), p.scaleW()));
        }
        int inPlane = inH * inW, outPlane = y.dim(2) * y.dim(3), count = planes * inPlane;
        String layer = ctx.layerName();
        return (inputs, outputs, par) -> {
            int bad = MaxUnpool.firstBadIndex(inputs[1], count, outPlane);
            if (bad >= 0) {
                throw new CaffeModelException("layer '" + layer + "' (Upsample): mask value " + inputs[1][bad]
                        + " at position " + bad + " is not a position in the " + y.dim(2) + "x" + y.dim(3)
                        + " output plane; check that upsample_param matches the pooling that made the mask");
            }
            par.forEach(planes, c -> MaxUnpool.plane(inputs[0], inputs[1], outputs[0], c, inPlane, outPlane));
        };
    }
}
