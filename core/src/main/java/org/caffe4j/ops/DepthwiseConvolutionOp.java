package org.caffe4j.ops;

import org.caffe4j.ir.Shape;

import java.util.List;

/**
 * The other depthwise type of the MobileNet forks, DepthwiseConvolution (yonghenglh6/DepthwiseConvolution, whose
 * README has users rename MobileNet's depthwise layers to it): its CPU forward is BVLC's grouped Convolution, its
 * CUDA kernel assumes one filter per channel without dilation. caffe4j runs it as that {@link ConvolutionOp} and
 * accepts only the settings where both agree: {@code group} = {@code num_output} = the input's channels, dilation 1.
 */
public final class DepthwiseConvolutionOp implements OpDefinition<ConvolutionOp.Params> {
    private static final ConvolutionOp CONVOLUTION = new ConvolutionOp();

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
    public List<Shape> outputShapes(ConvolutionOp.Params p, List<Shape> in, LayerContext ctx) {
        if (in.get(0).rank() != 4 || in.get(0).dim(1) != p.group()) {
            throw ctx.invalid("bottom", "has shape " + in.get(0) + "; DepthwiseConvolution with group "
                    + p.group() + " needs N x " + p.group() + " x H x W (one filter per channel)");
        }
        return CONVOLUTION.outputShapes(p, in, ctx);
    }

    @Override
    public List<Shape> weightShapes(ConvolutionOp.Params p, List<Shape> in) {
        return CONVOLUTION.weightShapes(p, in);
    }

    @Override
    public long multiplyAdds(ConvolutionOp.Params p, List<Shape> in, List<Shape> out) {
        return CONVOLUTION.multiplyAdds(p, in, out);
    }

    @Override
    public boolean fusesRelu() {
        return true;
    }

    @Override
    public LayerKernel reference(ConvolutionOp.Params p, KernelContext ctx) {
        return CONVOLUTION.reference(p, ctx);
    }

    @Override
    public LayerKernel lower(ConvolutionOp.Params p, KernelContext ctx) {
        return CONVOLUTION.lower(p, ctx);
    }
}
