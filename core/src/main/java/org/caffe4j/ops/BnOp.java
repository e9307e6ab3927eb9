package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.norm.ForkBnReference;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * The segmentation forks' BN layer, per channel (axis 1) of an N x C (x H (x W)) bottom, in one of two forms:
 * <ul>
 * <li>PSPNet/DeepLab (hszhao/PSPNet bn_layer.cpp; the default): blobs slope, bias, mean, variance, each 1 x C x 1
 * x 1; out = (x - mean) / sqrt(variance + eps) * slope + bias with the stored statistics, as the fork does at test
 * time (frozen and momentum only matter in training).</li>
 * <li>SegNet (alexgkendall/caffe-segnet bn_layer.cpp), chosen when bn_param sets one of SegNet's fields (bn_mode,
 * scale_filler, shift_filler): blobs scale, shift (1 x C x 1 x 1); with bn_mode INFERENCE (what SegNet's
 * compute_bn_statistics.py writes) out = x * scale + shift. bn_mode LEARN normalizes every batch by its own
 * statistics, even at test time, and is refused.</li>
 * </ul>
 */
public final class BnOp implements OpDefinition<BnOp.Params> {
    public record Params(boolean segnet, float eps) {
    }

    @Override
    public String type() {
        return "BN";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.BNParameter q = ctx.layer().getBnParam();
        boolean segnet = q.hasBnMode() || q.hasScaleFiller() || q.hasShiftFiller();
        if (segnet) {
            if (q.hasEps() || q.hasSlopeFiller() || q.hasBiasFiller() || q.hasMomentum() || q.hasFrozen()) {
                throw ctx.invalid("bn_param", "mixes SegNet's fields (bn_mode, scale_filler, shift_filler) with "
                        + "PSPNet's (eps, slope_filler, bias_filler, momentum, frozen); a BN layer is one or the other");
            }
            if (q.getBnMode() != Caffe.BNParameter.BNMode.INFERENCE) {
                throw ctx.unsupported("bn_param.bn_mode", "= " + q.getBnMode() + " is not supported: SegNet's LEARN "
                        + "mode normalizes each batch by its own statistics, even at test time; use the weights "
                        + "SegNet's compute_bn_statistics.py writes, with bn_mode: INFERENCE");
            }
            return new Params(true, 0f);
        }
        if (!Float.isFinite(q.getEps()) || q.getEps() < 0) {
            throw ctx.invalid("bn_param.eps", "is " + q.getEps() + "; must be finite and not negative");
        }
        return new Params(false, q.getEps());
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() < 2 || x.rank() > 4) {
            throw ctx.invalid("bottom", "has shape " + x + "; BN takes N x C with up to two spatial axes, as the forks "
                    + "read it through num/channels/height/width");
        }
        return List.of(x);
    }

    @Override
    public List<Shape> weightShapes(Params p, List<Shape> in) {
        Shape perChannel = Shape.of(1, in.get(0).dim(1), 1, 1);
        return java.util.Collections.nCopies(p.segnet() ? 2 : 4, perChannel);
    }

    @Override
    public boolean inPlaceCapable() {
        return true;
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int n = x.dim(0), c = x.dim(1), inner = (int) x.count(2, x.rank());
        float[] a = ctx.weights().get(0).data(), b = ctx.weights().get(1).data();
        if (p.segnet()) {
            return PerChannel.kernel(n, c, inner, (ins, out, ch, off, len) ->
                    ForkBnReference.scaleShift(ins[0], out, off, len, a[ch], b[ch]));
        }
        float[] mean = ctx.weights().get(2).data(), var = ctx.weights().get(3).data();
        float[] invStd = new float[c];
        for (int i = 0; i < c; i++) {
            invStd[i] = ForkBnReference.inverseStd(var[i], p.eps());
        }
        return PerChannel.kernel(n, c, inner, (ins, out, ch, off, len) ->
                ForkBnReference.slopeBias(ins[0], out, off, len, mean[ch], invStd[ch], a[ch], b[ch]));
    }
}
