package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.pool.AveragePoolKernel;
import org.caffe4j.kernels.pool.MaxPoolKernel;
import org.caffe4j.kernels.pool.Pool2dDirect;
import org.caffe4j.kernels.pool.Pool2dReference;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.proto.Caffe;
import org.caffe4j.proto.Caffe.PoolingParameter;

import java.util.List;

/**
 * Caffe's Pooling: MAX and AVE, global pooling, ceil rounding (Caffe's default) or floor ({@code round_mode}, or
 * the forks' {@code ceil_mode}), with the last window clipped to start inside the padded input. STOCHASTIC is training-time only: rejected.
 */
public final class PoolingOp implements OpDefinition<PoolingOp.Params> {

    public record Params(boolean max, boolean global, int kernelH, int kernelW, int strideH, int strideW, int padH,
                         int padW, boolean ceil) {
    }

    @Override
    public String type() {
        return "Pooling";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 2);
        PoolingParameter p = ctx.layer().getPoolingParam();
        String f = "pooling_param.";
        if (ctx.layer().getTopCount() == 2 && p.getPool() != PoolingParameter.PoolMethod.MAX) {
            throw ctx.invalid("top", "has 2 blobs: only MAX pooling has a second top (the argmax mask), as in Caffe");
        }
        if (p.getPool() == PoolingParameter.PoolMethod.STOCHASTIC) {
            throw ctx.unsupported(f + "pool", "STOCHASTIC is not supported (it is random; Caffe's TEST phase uses a "
                    + "probability-weighted average, which caffe4j does not implement)");
        }
        boolean global = p.getGlobalPooling();
        int[] k;
        if (global) {
            if (p.hasKernelSize() || p.hasKernelH() || p.hasKernelW()) {
                throw ctx.invalid(f + "kernel_size", "cannot be given with global_pooling");
            }
            k = new int[]{0, 0};
        } else {
            k = scalarPair(ctx, f, "kernel_size", p.hasKernelSize(), p.getKernelSize(), p.hasKernelH(), p.getKernelH(),
                    p.hasKernelW(), p.getKernelW(), -1, 1);
        }
        int[] s = scalarPair(ctx, f, "stride", p.hasStride(), p.getStride(), p.hasStrideH(), p.getStrideH(),
                p.hasStrideW(), p.getStrideW(), 1, 1);
        int[] pad = scalarPair(ctx, f, "pad", p.hasPad(), p.getPad(), p.hasPadH(), p.getPadH(), p.hasPadW(),
                p.getPadW(), 0, 0);
        if (global && (pad[0] != 0 || pad[1] != 0 || s[0] != 1 || s[1] != 1)) {
            throw ctx.invalid(f + "global_pooling", "requires pad = 0 and stride = 1, as in Caffe");
        }
        if (!global && (pad[0] >= k[0] || pad[1] >= k[1])) {
            throw ctx.invalid(f + "pad", "is " + pad[0] + "x" + pad[1] + "; it must be smaller than the kernel " + k[0] + "x" + k[1]);
        }
        boolean ceil = p.getRoundMode() == PoolingParameter.RoundMode.CEIL;
        if (p.hasCeilMode()) {
            // The forks' ceil_mode changes the output size: honour it, never drop it (DenseNet's ceil_mode: false).
            if (p.hasRoundMode() && p.getCeilMode() != ceil) {
                throw ctx.invalid(f + "ceil_mode", "= " + p.getCeilMode() + " contradicts round_mode = "
                        + p.getRoundMode() + "; give one of them");
            }
            ceil = p.getCeilMode();
        }
        return new Params(p.getPool() == PoolingParameter.PoolMethod.MAX, global, k[0], k[1], s[0], s[1], pad[0], pad[1],
                ceil);
    }

    private static int[] scalarPair(LayerContext ctx, String f, String field, boolean has, int v, boolean hasH, int h,
                                    boolean hasW, int w, int defaultValue, int minimum) {
        int[] out;
        if (hasH || hasW) {
            if (has) {
                throw ctx.invalid(f + field, "is given both as " + field + " and as " + field + "_h/_w; use one form");
            }
            if (!(hasH && hasW)) {
                throw ctx.invalid(f + field + (hasH ? "_w" : "_h"), "is missing; " + field + "_h and " + field + "_w go together");
            }
            out = new int[]{h, w};
        } else if (has) {
            out = new int[]{v, v};
        } else if (defaultValue < 0) {
            throw ctx.invalid(f + field, "is required (or set global_pooling: true)");
        } else {
            out = new int[]{defaultValue, defaultValue};
        }
        for (int x : out) {
            if (x < minimum) {
                throw ctx.invalid(f + field, "is " + x + "; must be at least " + minimum);
            }
        }
        return out;
    }

    /** The effective parameters for an input of h x w (global pooling takes the whole plane). */
    static Params resolve(Params p, int h, int w) {
        return p.global() ? new Params(p.max(), true, h, w, 1, 1, 0, 0, p.ceil()) : p;
    }

    @Override
    public List<Shape> outputShapes(Params p0, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() != 4) {
            throw ctx.invalid("bottom", "has shape " + x + "; Pooling needs N x C x H x W");
        }
        Params p = resolve(p0, x.dim(2), x.dim(3));
        String f = "pooling_param.";
        Spatial.checkWindow(ctx, f, "height", x.dim(2), p.padH(), p.kernelH(), 1, p.strideH());
        Spatial.checkWindow(ctx, f, "width", x.dim(3), p.padW(), p.kernelW(), 1, p.strideW());
        long paddedH = x.dim(2) + 2L * p.padH(), paddedW = x.dim(3) + 2L * p.padW();
        if (p.kernelH() > paddedH || p.kernelW() > paddedW) {
            throw ctx.invalid(f + "kernel_size", "is " + p.kernelH() + "x" + p.kernelW()
                    + ", larger than the padded " + paddedH + "x" + paddedW + " input");
        }
        // AVE divides by the window area, computed as an int product.
        if ((long) p.kernelH() * p.kernelW() > Integer.MAX_VALUE) {
            throw ctx.invalid(f + "kernel_size", "is " + p.kernelH() + "x" + p.kernelW()
                    + "; a window of more than " + Integer.MAX_VALUE + " elements is not supported");
        }
        int oh = Pool2dReference.outputSize(x.dim(2), p.kernelH(), p.padH(), p.strideH(), p.ceil());
        int ow = Pool2dReference.outputSize(x.dim(3), p.kernelW(), p.padW(), p.strideW(), p.ceil());
        Shape y = Shape.of(x.dim(0), x.dim(1), oh, ow);
        return ctx.layer().getTopCount() == 2 ? List.of(y, y) : List.of(y);
    }

    @Override
    public LayerKernel reference(Params p0, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0), y = ctx.outputShapes().get(0);
        Params p = resolve(p0, x.dim(2), x.dim(3));
        int c = x.dim(1), h = x.dim(2), w = x.dim(3), oh = y.dim(2), ow = y.dim(3);
        int tasks = x.dim(0) * c;
        if (ctx.outputShapes().size() == 2) {
            return (inputs, outputs, par) -> par.forEach(tasks, t -> Pool2dReference.maxWithMask(inputs[0], t * h * w,
                    outputs[0], outputs[1], t * oh * ow, h, w, oh, ow, p.kernelH(), p.kernelW(), p.strideH(),
                    p.strideW(), p.padH(), p.padW()));
        }
        return (inputs, outputs, par) -> par.forEach(tasks, t -> {
            if (p.max()) {
                Pool2dReference.max(inputs[0], t * h * w, outputs[0], t * oh * ow, 1, h, w, oh, ow,
                        p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW());
            } else {
                Pool2dReference.average(inputs[0], t * h * w, outputs[0], t * oh * ow, 1, h, w, oh, ow,
                        p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW());
            }
        });
    }

    /**
     * {@link Simd#maxPoolKernel()} and {@link Simd#averagePoolKernel()} (Vector API, or {@link Pool2dDirect}'s
     * scalar twins): separable branch-free MAX; AVE bit-identical to the reference. The planes of the whole batch
     * are cut into at most {@link #TASKS} equal runs ({@link #planesPerTask}, by shape only), so a task is big enough
     * to outweigh handing it out.
     */
    @Override
    public LayerKernel lower(Params p0, KernelContext ctx) {
        if (ctx.outputShapes().size() == 2) {
            return reference(p0, ctx); // SegNet's mask top: the plain loop, which records the argmax
        }
        Shape x = ctx.inputShapes().get(0), y = ctx.outputShapes().get(0);
        Params p = resolve(p0, x.dim(2), x.dim(3));
        int h = x.dim(2), w = x.dim(3), oh = y.dim(2), ow = y.dim(3);
        int planes = x.dim(0) * x.dim(1);
        MaxPoolKernel maxPool = ctx.kernels().maxPool();
        AveragePoolKernel averagePool = ctx.kernels().averagePool();
        int perTask = planesPerTask(planes);
        int tasks = (planes + perTask - 1) / perTask;
        return (inputs, outputs, par) -> par.forEach(tasks, t -> {
            int first = t * perTask;
            int count = Math.min(perTask, planes - first);
            if (p.max()) {
                maxPool.max(inputs[0], first * h * w, outputs[0], first * oh * ow, count, h, w, oh, ow,
                        p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW());
            } else {
                averagePool.average(inputs[0], first * h * w, outputs[0], first * oh * ow, count, h, w, oh, ow,
                        p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW());
            }
        });
    }

    /** Most tasks one pooling layer is split into. */
    static final int TASKS = 16;
    /**
     * Planes per task are a multiple of this where there are as many planes: the vector kernels pool narrow maps
     * (global pooling) a vector of planes at a time and the leftover planes one by one, so SqueezeNet's 1000-plane
     * pool10 in runs of 63 left 15 of every 63 planes to the scalar loop (a quarter of the planes, half the time).
     */
    static final int PLANE_MULTIPLE = 16;

    /** Planes per task: about planes / {@link #TASKS}, rounded up to a multiple of {@link #PLANE_MULTIPLE}. */
    static int planesPerTask(int planes) {
        int perTask = (planes + TASKS - 1) / TASKS;
        return planes < PLANE_MULTIPLE ? perTask : (perTask + PLANE_MULTIPLE - 1) / PLANE_MULTIPLE * PLANE_MULTIPLE;
    }

    static Caffe.PoolingParameter.PoolMethod method(Params p) {
        return p.max() ? Caffe.PoolingParameter.PoolMethod.MAX : Caffe.PoolingParameter.PoolMethod.AVE;
    }
}
