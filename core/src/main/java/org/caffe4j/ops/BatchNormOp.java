package org.caffe4j.ops;

import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.act.ElementwiseKernels;
import org.caffe4j.kernels.norm.BatchNormReference;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * Caffe's BatchNorm: out = (x - mean) / sqrt(var + eps) per channel (axis 1), by default with the stored
 * statistics. Blobs: mean (C), variance (C) and the moving-average scale factor s (1); mean and variance are
 * divided by s, and s == 0 gives factor 0, exactly as batch_norm_layer.cpp does.
 * With {@code use_global_stats: false} Caffe ignores the stored statistics even at test time and normalizes by the
 * mean and variance of the current batch; caffe4j does the same (the blobs must still be present, as in Caffe).
 */
public final class BatchNormOp implements ElementwiseKernelsOp<BatchNormOp.Params> {
    public record Params(float eps, boolean globalStats) {
    }

    @Override
    public String type() {
        return "BatchNorm";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.BatchNormParameter q = ctx.layer().getBatchNormParam();
        // Unset means "TEST phase => global stats" in Caffe, which is the phase caffe4j runs.
        boolean global = !q.hasUseGlobalStats() || q.getUseGlobalStats();
        if (!Float.isFinite(q.getEps())) {
            throw ctx.invalid("batch_norm_param.eps", "is " + q.getEps() + "; must be finite");
        }
        return new Params(q.getEps(), global); // moving_average_fraction: training only
    }

    static int channels(Shape x) {
        return x.rank() == 1 ? 1 : x.dim(1);
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        if (in.get(0).rank() < 1) {
            throw ctx.invalid("bottom", "is a scalar; BatchNorm needs N x C x ...");
        }
        return List.of(in.get(0));
    }

    @Override
    public List<Shape> weightShapes(Params p, List<Shape> in) {
        int c = channels(in.get(0));
        return List.of(Shape.of(c), Shape.of(c), Shape.of(1));
    }

    /** With stored statistics: scale 1 / std and shift -mean / std, std computed as the kernel does. */
    @Override
    public ChannelAffine channelAffine(Params p, List<Blob> weights, List<Shape> inputs) {
        Shape x = inputs.get(0);
        if (!p.globalStats() || x.rank() < 2 || weights.size() != 3) { // no caffemodel: the plan refuses later
            return null;
        }
        int c = channels(x);
        float[] mean = weights.get(0).data(), var = weights.get(1).data();
        float s = weights.get(2).data()[0];
        float factor = s == 0f ? 0f : 1f / s;
        float[] scale = new float[c], shift = new float[c];
        for (int i = 0; i < c; i++) {
            float std = (float) Math.sqrt(factor * var[i] + p.eps());
            scale[i] = (float) (1.0 / std);
            shift[i] = (float) (-(double) (factor * mean[i]) / std);
        }
        return new ChannelAffine(scale, shift);
    }

    /** Stored statistics: the per-channel normalization in vectors when {@code Simd.enabled()} (same bits). */
    @Override
    public LayerKernel kernel(Params p, KernelContext ctx, ElementwiseKernels k) {
        Shape x = ctx.inputShapes().get(0);
        int c = channels(x);
        int n = x.dim(0), inner = (int) (x.count() / ((long) n * c));
        if (!p.globalStats()) {
            // One task per channel: each reads and writes only its own channel, so in place is safe.
            return (inputs, outputs, par) -> par.forEach(c, ch ->
                    BatchNormReference.batchStatistics(inputs[0], outputs[0], n, c, inner, ch, p.eps()));
        }
        float[] mean = ctx.weights().get(0).data(), var = ctx.weights().get(1).data();
        float s = ctx.weights().get(2).data()[0];
        float factor = s == 0f ? 0f : 1f / s;
        float[] m = new float[c], std = new float[c];
        for (int i = 0; i < c; i++) {
            m[i] = factor * mean[i];
            // Caffe: scale, add eps, sqrt, all in float.
            std[i] = (float) Math.sqrt(factor * var[i] + p.eps());
        }
        return PerChannel.kernel(n, c, inner, (ins, out, ch, off, len) ->
                k.normalize(ins[0], out, off, len, m[ch], std[ch]));
    }
}
