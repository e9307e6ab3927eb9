package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.flow.FlowWarpReference;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * FlowNet 2.0's FlowWarp (lmb-freiburg/flownet2, field 159): bottom 0 an image N x C x H x W, bottom 1 a flow
 * N x 2 x H x W (x then y displacement in pixels); the image sampled where the flow points
 * ({@link FlowWarpReference}), {@code fill_value} (ZERO, or NOT_A_NUMBER) outside it.
 */
public final class FlowWarpOp implements OpDefinition<FlowWarpOp.Params> {
    public record Params(float fill) {
    }

    @Override
    public String type() {
        return "FlowWarp";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(2, 2);
        ctx.requireTops(1, 1);
        return new Params(ctx.layer().getFlowWarpParam().getFillValue()
                == Caffe.FlowWarpParameter.FillParameter.NOT_A_NUMBER ? Float.NaN : 0f);
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape image = in.get(0), flow = in.get(1);
        if (image.rank() != 4) {
            throw ctx.invalid("bottom[0]", "has shape " + image + "; FlowWarp needs an N x C x H x W image");
        }
        if (flow.rank() != 4 || flow.dim(0) != image.dim(0) || flow.dim(1) != 2 || flow.dim(2) != image.dim(2)
                || flow.dim(3) != image.dim(3)) {
            throw ctx.invalid("bottom[1]", "has shape " + flow + "; the flow must be " + image.dim(0) + " x 2 x "
                    + image.dim(2) + " x " + image.dim(3) + " (x and y displacement per pixel, as the fork's CHECKs)");
        }
        return List.of(image);
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape s = ctx.inputShapes().get(0);
        return (inputs, outputs, par) -> FlowWarpReference.forward(inputs[0], inputs[1], s.dim(0), s.dim(1), s.dim(2),
                s.dim(3), p.fill(), outputs[0]);
    }
}
