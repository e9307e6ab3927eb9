package org.caffe4j.ops;

import org.caffe4j.ir.Shape;

import java.util.List;

/**
 * The other depthwise type of the MobileNet forks, DepthwiseConvolution (yonghenglh6/DepthwiseConvolution, whose
 * README has users rename MobileNet's depthwise layers to it): its CPU forward is BVLC's grouped Convolution, its
 * CUDA kernel assumes one filter per channel without dilation. caffe4j runs it as that {@link ConvolutionOp} and
 * accepts only the settings where both agree: {@code group} = {@code num_output} = the input's channels, dilation 1.
 */
public final class DepthwiseConvolutionOp extends ConvolutionVariantOp<ConvolutionOp.Params> {
    @Override
    public String type() {
        return "DepthwiseConvolution";
    }

    @Override
    public ConvolutionOp.Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        ConvolutionOp.Params p = ConvolutionOp.parseConvolution(ctx, ctx.layer().getConvolutionParam());
        if (p.dilationH() != 1 || p.dilationW() != 1) {
            throw ctx.unsupported("convolution_param.dilation", "must be 1: the fork's CUDA kernel ignores it "
                    + "while its CPU forward applies it");
        }
        if (p.group() != p.numOutput()) {
            throw ctx.unsupported("convolution_param.group", "is " + p.group() + " but num_output is "
                    + p.numOutput() + ": the fork's CUDA kernel assumes one filter per channel (group = num_output "
                    + "= channels) while its CPU forward is a grouped convolution, so the two disagree");
        }
        return p;
    }

    @Override
    ConvolutionOp.Params convolution(ConvolutionOp.Params p, List<Shape> in) {
        return p;
    }

    @Override
    void checkInput(ConvolutionOp.Params p, Shape bottom, LayerContext ctx) {
        if (bottom.rank() != 4 || bottom.dim(1) != p.group()) {
            throw ctx.invalid("bottom", "has shape " + bottom + "; DepthwiseConvolution with group "
                    + p.group() + " needs N x " + p.group() + " x H x W (one filter per channel)");
        }
    }
}
