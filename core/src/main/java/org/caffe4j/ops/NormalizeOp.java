package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.norm.L2NormalizeReference;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * The SSD fork's Normalize (weiliu89/caffe ssd, normalize_layer.cpp), SSD-VGG16's conv4_3_norm: each image's
 * values divided by their L2 norm, then multiplied by the learned scale (the one blob: one value, or one per
 * channel). With {@code across_spatial} one norm per image, sqrt(sum x^2 + eps); without, one per position,
 * sqrt(eps + sum over channels of x^2). Bottoms of 2 to 4 axes: N x C x (H x W).
 */
public final class NormalizeOp implements OpDefinition<NormalizeOp.Params> {
    public record Params(boolean acrossSpatial, boolean channelShared, float eps) {
    }

    @Override
    public String type() {
        return "Normalize";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.NormalizeParameter q = ctx.layer().getNormParam();
        float eps = q.getEps();
        if (!(eps >= 0) || Float.isInfinite(eps)) {
            throw ctx.invalid("norm_param.eps", "is " + eps + "; must be finite and at least 0");
        }
        return new Params(q.getAcrossSpatial(), q.getChannelShared(), eps);
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        // The fork reads channels/height/width, Caffe's legacy accessors, which allow at most 4 axes.
        if (x.rank() < 2 || x.rank() > 4) {
            throw ctx.invalid("bottom[0]", "has shape " + x + "; Normalize needs 2 to 4 axes (N x C x H x W)");
        }
        return List.of(x);
    }

    @Override
    public List<Shape> weightShapes(Params p, List<Shape> in) {
        return List.of(p.channelShared() ? Shape.of() : Shape.of(in.get(0).dim(1)));
    }

    @Override
    public boolean inPlaceCapable() {
        return true;
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int num = x.dim(0);
        int channels = x.dim(1);
        int spatial = (int) x.count(2, x.rank());
        float[] scale = ctx.weights().get(0).data();
        return (inputs, outputs, par) -> L2NormalizeReference.forward(inputs[0], outputs[0], num, channels, spatial,
                p.acrossSpatial(), p.eps(), scale, p.channelShared());
    }
}
