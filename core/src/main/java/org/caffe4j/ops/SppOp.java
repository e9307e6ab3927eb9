package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.pool.Pool2dReference;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * Caffe's SPP (spatial pyramid pooling): level l pools the N x C x H x W bottom into about 2^l x 2^l bins with
 * Caffe's own Pooling (ceil rounding, clipped last window), kernel ceil(H / 2^l), stride = kernel and pad half the
 * remainder rounded up (spp_layer.cpp's GetPoolingParam); each level is flattened to N x (C·bins) and the levels
 * are concatenated, giving N x sum. With pyramid_height 1 the top is the one level's N x C x 1 x 1 pooling output,
 * as in Caffe. A level whose pad reaches its kernel (an input smaller than the level's bins) is refused, as
 * Caffe's Pooling refuses it.
 */
public final class SppOp implements OpDefinition<SppOp.Params> {
    public record Params(int pyramidHeight, boolean max) {
    }

    /** One level's pooling window for an h x w input. */
    record Level(int kernelH, int kernelW, int padH, int padW, int outH, int outW) {
        static Level of(int level, int h, int w) {
            long bins = 1L << level;
            // In long: h + bins and kernel * bins can pass 2^31 for tall inputs and high levels.
            int kh = (int) ((h + bins - 1) / bins), kw = (int) ((w + bins - 1) / bins);
            int ph = (int) ((kh * bins - h + 1) / 2), pw = (int) ((kw * bins - w + 1) / 2);
            return new Level(kh, kw, ph, pw, outputSize(h, kh, ph), outputSize(w, kw, pw));
        }

        /** Pooling's ceil rounding with stride = kernel, the last window clipped to start inside the padded input. */
        private static int outputSize(int in, int kernel, int pad) {
            long out = ((long) in + 2L * pad - kernel + kernel - 1) / kernel + 1;
            if (pad > 0 && (out - 1) * kernel >= (long) in + pad) {
                out--;
            }
            return (int) out;
        }
    }

    @Override
    public String type() {
        return "SPP";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.SPPParameter q = ctx.layer().getSppParam();
        long height = Integer.toUnsignedLong(q.getPyramidHeight());
        if (height < 1 || height > 30) {
            throw ctx.invalid("spp_param.pyramid_height", (q.hasPyramidHeight() ? "is " + height
                    + "; must be 1 to 30" : "is required"));
        }
        if (q.getPool() == Caffe.SPPParameter.PoolMethod.STOCHASTIC) {
            throw ctx.unsupported("spp_param.pool", "STOCHASTIC is not supported (it is random), as in Pooling");
        }
        return new Params((int) height, q.getPool() == Caffe.SPPParameter.PoolMethod.MAX);
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() != 4) {
            throw ctx.invalid("bottom", "has shape " + x + "; SPP needs N x C x H x W");
        }
        long total = 0;
        for (int l = 0; l < p.pyramidHeight(); l++) {
            Level v = Level.of(l, x.dim(2), x.dim(3));
            if (v.padH() >= v.kernelH() || v.padW() >= v.kernelW()) {
                throw ctx.invalid("spp_param.pyramid_height", "= " + p.pyramidHeight() + " is too high for a "
                        + x.dim(2) + "x" + x.dim(3) + " bottom: level " + l + " would pool with kernel "
                        + v.kernelH() + "x" + v.kernelW() + " and pad " + v.padH() + "x" + v.padW()
                        + ", which Caffe's Pooling refuses (pad must be smaller than the kernel)");
            }
            total += (long) x.dim(1) * v.outH() * v.outW();
        }
        if (p.pyramidHeight() == 1) {
            return List.of(Shape.of(x.dim(0), x.dim(1), 1, 1));
        }
        return List.of(Shape.checked(new long[]{x.dim(0), total}, ctx.label()));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        Level[] levels = new Level[p.pyramidHeight()];
        int[] start = new int[levels.length];
        int perImage = 0;
        for (int l = 0; l < levels.length; l++) {
            levels[l] = Level.of(l, h, w);
            start[l] = perImage;
            perImage += c * levels[l].outH() * levels[l].outW();
        }
        int row = perImage;
        return (inputs, outputs, par) -> par.forEach(n * levels.length, t -> {
            int image = t / levels.length;
            Level v = levels[t % levels.length];
            int outOff = image * row + start[t % levels.length];
            if (p.max()) {
                Pool2dReference.max(inputs[0], image * c * h * w, outputs[0], outOff, c, h, w, v.outH(), v.outW(),
                        v.kernelH(), v.kernelW(), v.kernelH(), v.kernelW(), v.padH(), v.padW());
            } else {
                Pool2dReference.average(inputs[0], image * c * h * w, outputs[0], outOff, c, h, w, v.outH(), v.outW(),
                        v.kernelH(), v.kernelW(), v.kernelH(), v.kernelW(), v.padH(), v.padW());
            }
        });
    }
}
