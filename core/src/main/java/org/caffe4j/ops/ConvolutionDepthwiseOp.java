package org.caffe4j.ops;

import org.caffe4j.ir.Shape;

import java.util.List;

/**
 * The MobileNet/ShuffleNet forks' ConvolutionDepthwise (farmingyard/caffe-mobilenet conv_dw_layer.cpp; OpenCV
 * reads it as a Convolution): one filter per input channel, so the top has the bottom's channel count and the
 * weights are C x 1 x kh x kw (plus C biases). It reads convolution_param's geometry (kernel, stride, pad,
 * dilation, bias_term) and, like the fork, ignores num_output and group: the channel count decides both. It is run
 * as a {@link ConvolutionOp} whose group is the channel count, so it takes the same kernel choice as any
 * depthwise Convolution.
 */
public final class ConvolutionDepthwiseOp extends ConvolutionVariantOp<ConvolutionDepthwiseOp.Params> {
    /** The geometry, read as a one-output, one-group convolution; {@link #forChannels} fills in the channels. */
    public record Params(ConvolutionOp.Params geometry) {
        ConvolutionOp.Params forChannels(int channels) {
            ConvolutionOp.Params g = geometry;
            return new ConvolutionOp.Params(channels, g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.padH(),
                    g.padW(), g.dilationH(), g.dilationW(), channels, g.biasTerm());
        }
    }

    @Override
    public String type() {
        return "ConvolutionDepthwise";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        var q = ctx.layer().getConvolutionParam().toBuilder().setNumOutput(1).setGroup(1).build();
        return new Params(ConvolutionOp.parseConvolution(ctx, q));
    }

    @Override
    ConvolutionOp.Params convolution(Params p, List<Shape> in) {
        return p.forChannels(in.get(0).dim(1));
    }

    @Override
    void checkInput(Params p, Shape bottom, LayerContext ctx) {
        if (bottom.rank() != 4) {
            throw ctx.invalid("bottom", "has shape " + bottom + "; ConvolutionDepthwise needs N x C x H x W");
        }
    }
}
