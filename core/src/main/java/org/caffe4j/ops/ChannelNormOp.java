package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.flow.ChannelNormReference;

import java.util.List;

/** FlowNet 2.0's ChannelNorm (lmb-freiburg/flownet2; no parameters): N x C x H x W in, each pixel's L2 norm over
 * the channels out, N x 1 x H x W ({@link ChannelNormReference}). */
public final class ChannelNormOp implements OpDefinition<Object> {
    @Override
    public String type() {
        return "ChannelNorm";
    }

    @Override
    public Object parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        return Boolean.TRUE; // no parameters
    }

    @Override
    public List<Shape> outputShapes(Object p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() != 4) {
            throw ctx.invalid("bottom[0]", "has shape " + x + "; ChannelNorm needs N x C x H x W");
        }
        return List.of(Shape.of(x.dim(0), 1, x.dim(2), x.dim(3)));
    }

    @Override
    public LayerKernel reference(Object p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        return (inputs, outputs, par) -> ChannelNormReference.forward(inputs[0], x.dim(0), x.dim(1),
                x.dim(2) * x.dim(3), outputs[0]);
    }
}
