package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.flow.ResampleReference;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * FlowNet 2.0's Resample (lmb-freiburg/flownet2, field 155): one bottom resized to {@code width} x {@code height},
 * or to bottom[1]'s size when there are two, by NEAREST, LINEAR (the default) or CUBIC interpolation with optional
 * antialiasing ({@link ResampleReference}). {@code factor} is not read, as in the fork.
 */
public final class ResampleOp implements OpDefinition<ResampleOp.Params> {
    public record Params(int width, int height, int type, boolean antialias) {
    }

    @Override
    public String type() {
        return "Resample";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 2);
        ctx.requireTops(1, 1);
        Caffe.ResampleParameter q = ctx.layer().getResampleParam();
        String f = "resample_param.";
        int type = switch (q.getType()) {
            case NEAREST -> ResampleReference.NEAREST;
            case LINEAR -> ResampleReference.LINEAR;
            case CUBIC -> ResampleReference.CUBIC;
            case AREA -> throw ctx.unsupported(f + "type", "AREA is not supported (the fork stops on it too)");
        };
        int width = 0, height = 0;
        if (ctx.layer().getBottomCount() == 1) {
            width = size(ctx, f + "width", q.getWidth());
            height = size(ctx, f + "height", q.getHeight());
        }
        return new Params(width, height, type, q.getAntialias());
    }

    private static int size(LayerContext ctx, String field, int value) {
        if (value < 1 || value > (1 << 24)) {
            throw ctx.invalid(field, "is " + Integer.toUnsignedString(value) + "; must be 1 to 2^24 (or give a "
                    + "second bottom whose size to take)");
        }
        return value;
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() != 4) {
            throw ctx.invalid("bottom[0]", "has shape " + x + "; Resample needs N x C x H x W");
        }
        long h = p.height(), w = p.width();
        if (in.size() == 2) {
            Shape ref = in.get(1);
            if (ref.rank() != 4) {
                throw ctx.invalid("bottom[1]", "has shape " + ref + "; its height and width give the size, so it must "
                        + "be N x C x H x W");
            }
            h = ref.dim(2);
            w = ref.dim(3);
        }
        return List.of(Shape.checked(new long[]{x.dim(0), x.dim(1), h, w}, ctx.label()));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0), out = ctx.outputShapes().get(0);
        return (inputs, outputs, par) -> ResampleReference.forward(inputs[0], x.dim(0) * x.dim(1), x.dim(2), x.dim(3),
                out.dim(2), out.dim(3), p.type(), p.antialias(), outputs[0]);
    }
}
