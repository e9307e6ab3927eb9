package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.norm.MvnReference;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * Caffe's MVN: subtracts the mean of each channel of each image (of each whole image with across_channels) and,
 * with normalize_variance (the default), divides by the standard deviation plus eps. Caffe reads the blob through
 * its legacy num/channels accessors, so it takes 1 to 4 axes.
 */
public final class MvnOp implements OpDefinition<MvnOp.Params> {
    public record Params(boolean normalizeVariance, boolean acrossChannels, float eps) {
    }

    @Override
    public String type() {
        return "MVN";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.MVNParameter q = ctx.layer().getMvnParam();
        if (!Float.isFinite(q.getEps()) || q.getEps() < 0) {
            throw ctx.invalid("mvn_param.eps", "is " + q.getEps() + "; must be finite and not negative");
        }
        return new Params(q.getNormalizeVariance(), q.getAcrossChannels(), q.getEps());
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() < 1 || x.rank() > 4) {
            throw ctx.invalid("bottom", "has shape " + x + "; MVN takes 1 to 4 axes, as in Caffe");
        }
        return List.of(x);
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int images = x.dim(0), channels = x.rank() > 1 ? x.dim(1) : 1;
        int groups = p.acrossChannels() ? images : images * channels;
        int dim = (int) (x.count() / groups);
        return (inputs, outputs, par) -> par.forEach(groups, g -> {
            float[] in = inputs[0], out = outputs[0];
            MvnReference.forward(in, g * dim, out, g * dim, dim, p.normalizeVariance(), p.eps());
        });
    }
}
