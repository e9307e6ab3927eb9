package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.resize.InterpBilinear;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * PSPNet's and DeepLab's Interp (hszhao/PSPNet interp_layer.cpp): bilinear resampling with aligned corners of each
 * N x C plane. The output size comes, in the fork's order of precedence, from shrink_factor alone, zoom_factor
 * alone, height and width, or shrink then zoom, applied to the input cropped by pad_beg/pad_end (zero or negative
 * only, as in the fork). OpenCV 4.6's Interp computes the same resampling with another float expression.
 */
public final class InterpOp implements OpDefinition<InterpOp.Params> {
    /** Exactly one of the ways to size the output; the unused fields are 0. */
    public record Params(int shrink, int zoom, int height, int width, int padBeg, int padEnd) {
    }

    private static final String F = "interp_param.";

    @Override
    public String type() {
        return "Interp";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.InterpParameter q = ctx.layer().getInterpParam();
        if (q.getPadBeg() > 0 || q.getPadEnd() > 0) {
            throw ctx.unsupported(F + (q.getPadBeg() > 0 ? "pad_beg" : "pad_end"), "= "
                    + Math.max(q.getPadBeg(), q.getPadEnd()) + " is not supported: the fork only crops (zero or "
                    + "negative padding)");
        }
        boolean shrink = q.hasShrinkFactor(), zoom = q.hasZoomFactor();
        if (shrink && q.getShrinkFactor() < 1) {
            throw ctx.invalid(F + "shrink_factor", "is " + q.getShrinkFactor() + "; must be at least 1");
        }
        if (zoom && q.getZoomFactor() < 1) {
            throw ctx.invalid(F + "zoom_factor", "is " + q.getZoomFactor() + "; must be at least 1");
        }
        if (shrink || zoom) {
            return new Params(shrink ? q.getShrinkFactor() : 0, zoom ? q.getZoomFactor() : 0, 0, 0, q.getPadBeg(),
                    q.getPadEnd());
        }
        if (!q.hasHeight() || !q.hasWidth()) {
            throw ctx.invalid(F.substring(0, F.length() - 1), "must set zoom_factor, shrink_factor, or both height "
                    + "and width" + (q.hasHeight() || q.hasWidth() ? " (only " + (q.hasHeight() ? "height" : "width")
                    + " is set)" : ""));
        }
        if (q.getHeight() < 1 || q.getWidth() < 1) {
            throw ctx.invalid(F + (q.getHeight() < 1 ? "height" : "width"), "is "
                    + Math.min(q.getHeight(), q.getWidth()) + "; must be at least 1");
        }
        return new Params(0, 0, q.getHeight(), q.getWidth(), q.getPadBeg(), q.getPadEnd());
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() != 4) {
            throw ctx.invalid("bottom", "has shape " + x + "; Interp needs N x C x H x W");
        }
        long effH = (long) x.dim(2) + p.padBeg() + p.padEnd(), effW = (long) x.dim(3) + p.padBeg() + p.padEnd();
        if (effH < 1 || effW < 1) {
            throw ctx.invalid(F + "pad_beg", "and pad_end crop " + -(p.padBeg() + p.padEnd()) + " rows and columns "
                    + "from a " + x.dim(2) + "x" + x.dim(3) + " input, leaving nothing");
        }
        long outH = outSize(p, effH, p.height()), outW = outSize(p, effW, p.width());
        return List.of(Shape.checked(new long[]{x.dim(0), x.dim(1), outH, outW}, ctx.label() + ": " + F + "zoom_factor"));
    }

    /** In long, so that a large zoom of a large input is refused by the shape check instead of wrapping. */
    private static long outSize(Params p, long inEff, int fixed) {
        if (fixed > 0) {
            return fixed;
        }
        long n = p.shrink() > 0 ? (inEff - 1) / p.shrink() + 1 : inEff;
        return p.zoom() > 0 ? n + (n - 1) * (p.zoom() - 1L) : n;
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0), y = ctx.outputShapes().get(0);
        int planes = x.dim(0) * x.dim(1), inH = x.dim(2), inW = x.dim(3), outH = y.dim(2), outW = y.dim(3);
        int crop = -p.padBeg(), effH = inH + p.padBeg() + p.padEnd(), effW = inW + p.padBeg() + p.padEnd();
        return (inputs, outputs, par) -> par.forEach(planes, c -> InterpBilinear.plane(inputs[0], c * inH * inW, inW,
                crop, crop, effH, effW, outputs[0], c * outH * outW, outH, outW));
    }

    /**
     * {@link InterpBilinear.Tables}: indices and weights computed once per shape, each input row interpolated
     * once per plane; the same bits as the reference. Planes are split over the threads by shape only.
     */
    @Override
    public LayerKernel lower(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0), y = ctx.outputShapes().get(0);
        int planes = x.dim(0) * x.dim(1), inH = x.dim(2), inW = x.dim(3), outH = y.dim(2), outW = y.dim(3);
        int crop = -p.padBeg(), effH = inH + p.padBeg() + p.padEnd(), effW = inW + p.padBeg() + p.padEnd();
        InterpBilinear.Tables tables = new InterpBilinear.Tables(effH, effW, outH, outW);
        return (inputs, outputs, par) -> par.forEach(planes, c -> tables.plane(inputs[0], c * inH * inW, inW, crop,
                crop, outputs[0], c * outH * outW, new float[2 * outW]));
    }
}
