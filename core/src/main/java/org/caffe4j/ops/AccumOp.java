package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.flow.AccumReference;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * FlowNet's Accum (lmb-freiburg/flownet2, field 160): every bottom resized (bilinear, corners aligned) to one size
 * and stacked along the channels ({@link AccumReference}). The size: the last bottom's with {@code have_reference}
 * (that bottom is not stacked); else the largest bottom's, rounded up to {@code size_divisible_by}, or
 * {@code top_height} x {@code top_width} when both exceed it — the fork's rules.
 */
public final class AccumOp implements OpDefinition<AccumOp.Params> {
    public record Params(int topHeight, int topWidth, int sizeDivisibleBy, boolean hasSizeDivisibleBy,
                         boolean haveReference) {
    }

    @Override
    public String type() {
        return "Accum";
    }

    @Override
    public Params parse(LayerContext ctx) {
        Caffe.AccumParameter q = ctx.layer().getAccumParam();
        ctx.requireBottoms(q.getHaveReference() ? 2 : 1, Integer.MAX_VALUE);
        ctx.requireTops(1, 1);
        String f = "accum_param.";
        return new Params(size(ctx, f + "top_height", q.getTopHeight()), size(ctx, f + "top_width", q.getTopWidth()),
                size(ctx, f + "size_divisible_by", q.getSizeDivisibleBy()), q.hasSizeDivisibleBy(), q.getHaveReference());
    }

    private static int size(LayerContext ctx, String field, int value) {
        if (value < 0 || value > (1 << 24)) {
            throw ctx.invalid(field, "is " + Integer.toUnsignedString(value) + "; must be 0 to 2^24");
        }
        return value;
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        int stacked = p.haveReference() ? in.size() - 1 : in.size();
        long channels = 0;
        int maxH = -1, maxW = -1;
        for (int i = 0; i < in.size(); i++) {
            Shape s = in.get(i);
            if (s.rank() != 4) {
                throw ctx.invalid("bottom[" + i + "]", "has shape " + s + "; Accum needs N x C x H x W blobs");
            }
            if (s.dim(0) != in.get(0).dim(0)) {
                throw ctx.invalid("bottom[" + i + "]", "has " + s.dim(0) + " images, bottom[0] " + in.get(0).dim(0)
                        + " (the fork's CHECK)");
            }
            if (i < stacked) {
                channels += s.dim(1);
                maxH = Math.max(maxH, s.dim(2));
                maxW = Math.max(maxW, s.dim(3));
            }
        }
        long h, w;
        if (p.haveReference()) {
            h = in.get(in.size() - 1).dim(2);
            w = in.get(in.size() - 1).dim(3);
        } else {
            long topH, topW;
            if (p.hasSizeDivisibleBy()) {
                if (p.sizeDivisibleBy() == 0) {
                    throw ctx.invalid("accum_param.size_divisible_by", "is 0; must be positive when set");
                }
                topH = (long) Math.ceil(maxH / (float) p.sizeDivisibleBy()) * p.sizeDivisibleBy();
                topW = (long) Math.ceil(maxW / (float) p.sizeDivisibleBy()) * p.sizeDivisibleBy();
            } else {
                topH = p.topHeight();
                topW = p.topWidth();
            }
            boolean larger = topH > maxH && topW > maxW;
            h = larger ? topH : maxH;
            w = larger ? topW : maxW;
        }
        if (h < 2 || w < 2) {
            throw ctx.invalid("top", "would be " + h + " x " + w + "; the fork's interpolation divides by the top's "
                    + "height - 1 and width - 1, so both must be at least 2");
        }
        return List.of(Shape.checked(new long[]{in.get(0).dim(0), channels, h, w}, ctx.label()));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        List<Shape> ins = ctx.inputShapes();
        Shape out = ctx.outputShapes().get(0);
        int stacked = p.haveReference() ? ins.size() - 1 : ins.size();
        return (inputs, outputs, par) -> {
            int offset = 0;
            for (int i = 0; i < stacked; i++) {
                Shape s = ins.get(i);
                AccumReference.resizeInto(inputs[i], s.dim(0), s.dim(1), s.dim(2), s.dim(3), outputs[0], out.dim(1),
                        offset, out.dim(2), out.dim(3));
                offset += s.dim(1);
            }
        };
    }
}
