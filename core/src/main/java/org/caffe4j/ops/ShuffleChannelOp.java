package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.layout.ChannelShuffle;
import org.caffe4j.proto.Caffe;

import java.util.List;

/**
 * ShuffleNet's ShuffleChannel (farmingyard/ShuffleNet; OpenCV's ShuffleChannel): the channels of each image, seen
 * as {@code group} rows, are written out column by column. Takes N x C x H x W bottoms whose C divides by group.
 */
public final class ShuffleChannelOp implements OpDefinition<ShuffleChannelOp.Params> {
    public record Params(int group) {
    }

    @Override
    public String type() {
        return "ShuffleChannel";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.ShuffleChannelParameter q = ctx.layer().getShuffleChannelParam();
        // uint32 in the schema: a negative prototxt value arrives as a huge unsigned number.
        if (q.getGroup() <= 0) {
            throw ctx.invalid("shuffle_channel_param.group", "is " + Integer.toUnsignedString(q.getGroup())
                    + "; must be between 1 and the channel count");
        }
        return new Params(q.getGroup());
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() != 4) {
            throw ctx.invalid("bottom", "has shape " + x + "; ShuffleChannel needs N x C x H x W");
        }
        if (x.dim(1) % p.group() != 0) {
            throw ctx.invalid("shuffle_channel_param.group", "= " + p.group() + " does not divide the " + x.dim(1)
                    + " channels");
        }
        return List.of(x);
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        int batch = x.dim(0), channels = x.dim(1), plane = (int) x.count(2, 4);
        return (inputs, outputs, par) -> par.forEach(batch,
                n -> ChannelShuffle.forward(inputs[0], outputs[0], n, channels, plane, p.group()));
    }
}
