package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.flow.CorrelationReference;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * FlowNetC's Correlation (lmb-freiburg/flownet2, field 150): two feature maps of one shape in, their multiplicative
 * correlation over a (2·max_displacement/stride_2 + 1)² grid of displacements out ({@link CorrelationReference}).
 */
public final class CorrelationOp implements OpDefinition<CorrelationOp.Params> {
    public record Params(int pad, int kernel, int maxDisplacement, int stride1, int stride2) {
        int outputChannels() {
            int grid = 2 * (maxDisplacement / stride2) + 1;
            return grid * grid;
        }
    }

    @Override
    public String type() {
        return "Correlation";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(2, 2);
        ctx.requireTops(1, 1);
        Caffe.CorrelationParameter q = ctx.layer().getCorrelationParam();
        String f = "correlation_param.";
        if (!q.hasKernelSize()) {
            throw ctx.invalid(f + "kernel_size", "is not set (the fork requires it)");
        }
        if (!q.hasMaxDisplacement()) {
            throw ctx.invalid(f + "max_displacement", "is not set (the fork requires it)");
        }
        int kernel = bounded(ctx, f + "kernel_size", q.getKernelSize(), 1);
        if (kernel % 2 == 0) {
            throw ctx.invalid(f + "kernel_size", "is " + kernel + "; the fork requires an odd size");
        }
        int maxDisplacement = bounded(ctx, f + "max_displacement", q.getMaxDisplacement(), 0);
        int pad = bounded(ctx, f + "pad", q.getPad(), 0);
        int stride1 = bounded(ctx, f + "stride_1", q.getStride1(), 1);
        int stride2 = bounded(ctx, f + "stride_2", q.getStride2(), 1);
        if (q.getCorrelationType() != Caffe.CorrelationParameter.CorrelationType.MULTIPLY) {
            throw ctx.unsupported(f + "correlation_type", "SUBTRACT is not supported (FlowNet's nets use MULTIPLY)");
        }
        if (q.getDoAbs()) {
            throw ctx.unsupported(f + "do_abs", "is not supported (FlowNet's nets leave it false)");
        }
        if (q.getSingleDirection() != 0) {
            throw ctx.unsupported(f + "single_direction", "belongs to Correlation1D, which caffe4j does not run");
        }
        return new Params(pad, kernel, maxDisplacement, stride1, stride2);
    }

    /** A uint32 field read as a Java int: refuses values at or above 2^31 (negative ints here) and below min. */
    private static int bounded(LayerContext ctx, String field, int value, int min) {
        if (value < min || value > (1 << 16)) {
            throw ctx.invalid(field, "is " + Integer.toUnsignedString(value) + "; must be " + min + " to 65536");
        }
        return value;
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape a = in.get(0), b = in.get(1);
        if (a.rank() != 4) {
            throw ctx.invalid("bottom[0]", "has shape " + a + "; Correlation needs N x C x H x W");
        }
        if (!a.equals(b)) {
            throw ctx.invalid("bottom[1]", "has shape " + b + "; both bottoms must have bottom[0]'s shape " + a);
        }
        long h = CorrelationReference.outputSize(a.dim(2), p.pad(), p.kernel(), p.maxDisplacement(), p.stride1());
        long w = CorrelationReference.outputSize(a.dim(3), p.pad(), p.kernel(), p.maxDisplacement(), p.stride1());
        if (h < 1 || w < 1) {
            throw ctx.invalid("correlation_param", "leaves no output for a " + a.dim(2) + " x " + a.dim(3)
                    + " map: the neighbourhood and kernel do not fit (as the fork's CHECK)");
        }
        return List.of(Shape.checked(new long[]{a.dim(0), p.outputChannels(), h, w}, ctx.label()));
    }

    @Override
    public long multiplyAdds(Params p, List<Shape> inputs, List<Shape> outputs) {
        Shape a = inputs.get(0);
        return outputs.get(0).count() * p.kernel() * p.kernel() * a.dim(1);
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape a = ctx.inputShapes().get(0), out = ctx.outputShapes().get(0);
        return (inputs, outputs, par) -> CorrelationReference.forward(inputs[0], inputs[1], a.dim(0), a.dim(1),
                a.dim(2), a.dim(3), p.pad(), p.kernel(), p.maxDisplacement(), p.stride1(), p.stride2(), out.dim(2),
                out.dim(3), outputs[0]);
    }
}
