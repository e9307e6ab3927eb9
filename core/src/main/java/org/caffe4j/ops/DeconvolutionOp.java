package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.conv.ConvShape;
import org.caffe4j.kernels.conv.Deconv2dGemmCol2im;
import org.caffe4j.kernels.conv.Deconv2dReference;
import org.caffe4j.kernels.simd.Simd;

import java.util.List;

/**
 * Caffe's Deconvolution (transposed convolution), 2-D, reading convolution_param like Convolution. Weights are
 * C_in x (num_output/group) x kH x kW; the output is stride*(in-1) + dilation*(k-1)+1 - 2*pad per spatial axis.
 */
public final class DeconvolutionOp implements OpDefinition<ConvolutionOp.Params> {
    @Override
    public String type() {
        return "Deconvolution";
    }

    @Override
    public ConvolutionOp.Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        return ConvolutionOp.parseConvolution(ctx, ctx.layer().getConvolutionParam());
    }

    /** The forward convolution that this deconvolution transposes (its input is our output). */
    static ConvShape transposed(ConvolutionOp.Params p, Shape x) {
        int oh = p.strideH() * (x.dim(2) - 1) + p.dilationH() * (p.kernelH() - 1) + 1 - 2 * p.padH();
        int ow = p.strideW() * (x.dim(3) - 1) + p.dilationW() * (p.kernelW() - 1) + 1 - 2 * p.padW();
        return new ConvShape(p.numOutput(), oh, ow, x.dim(1), p.kernelH(), p.kernelW(), p.strideH(), p.strideW(),
                p.padH(), p.padW(), p.dilationH(), p.dilationW(), p.group());
    }

    @Override
    public List<Shape> outputShapes(ConvolutionOp.Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() != 4) {
            throw ctx.invalid("bottom", "has shape " + x + "; Deconvolution needs N x C x H x W");
        }
        if (x.dim(1) % p.group() != 0) {
            throw ctx.invalid("convolution_param.group", "= " + p.group() + " does not divide the " + x.dim(1)
                    + " input channels");
        }
        long oh = (long) p.strideH() * (x.dim(2) - 1) + (long) p.dilationH() * (p.kernelH() - 1) + 1 - 2L * p.padH();
        long ow = (long) p.strideW() * (x.dim(3) - 1) + (long) p.dilationW() * (p.kernelW() - 1) + 1 - 2L * p.padW();
        if (oh <= 0 || ow <= 0) {
            throw ctx.invalid("convolution_param.pad", "= " + p.padH() + "x" + p.padW() + " leaves an output of "
                    + oh + "x" + ow + " for a " + x.dim(2) + "x" + x.dim(3) + " input");
        }
        // col2im walks the output as a convolution walks its input: the same index arithmetic must fit an int.
        Shape y = Shape.checked(new long[]{x.dim(0), p.numOutput(), oh, ow}, ctx.label());
        String f = "convolution_param.";
        Spatial.checkWindow(ctx, f, "height", oh, p.padH(), p.kernelH(), p.dilationH(), p.strideH());
        Spatial.checkWindow(ctx, f, "width", ow, p.padW(), p.kernelW(), p.dilationW(), p.strideW());
        ConvolutionOp.checkWeightCount(ctx, x.dim(1), p.numOutput() / p.group(), p.kernelH(), p.kernelW());
        return List.of(y);
    }

    @Override
    public List<Shape> weightShapes(ConvolutionOp.Params p, List<Shape> in) {
        Shape w = Shape.of(in.get(0).dim(1), p.numOutput() / p.group(), p.kernelH(), p.kernelW());
        return p.biasTerm() ? List.of(w, Shape.of(p.numOutput())) : List.of(w);
    }

    @Override
    public long multiplyAdds(ConvolutionOp.Params p, List<Shape> in, List<Shape> out) {
        return in.get(0).count() * (p.numOutput() / p.group()) * p.kernelH() * p.kernelW();
    }

    /** The packed-GEMM + col2im kernel; W^T is packed once per model. */
    @Override
    public LayerKernel lower(ConvolutionOp.Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        ConvShape s = transposed(p, x);
        int inSize = s.outSize(), outSize = s.inSize();
        float[] w = ctx.weights().get(0).data();
        float[] bias = p.biasTerm() ? ctx.weights().get(1).data() : null;
        // Packing depends on the geometry only through channels and kernel, not on the spatial size.
        Deconv2dGemmCol2im kernel = ctx.memo("deconv-gemm " + x.dim(1), () -> new Deconv2dGemmCol2im(s, w, bias, ctx.kernels().sgemm()));
        Deconv2dGemmCol2im sized = kernel.forShape(s);
        return LayerKernel.readingWeights(sized.weightBytes(), (inputs, outputs, par) -> {
            for (int n = 0; n < x.dim(0); n++) {
                sized.forward(inputs[0], n * inSize, outputs[0], n * outSize, par);
            }
        });
    }

    @Override
    public LayerKernel reference(ConvolutionOp.Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0);
        ConvShape s = transposed(p, x);
        int inSize = s.outSize(), outSize = s.inSize();
        float[] w = ctx.weights().get(0).data();
        float[] bias = p.biasTerm() ? ctx.weights().get(1).data() : null;
        return (inputs, outputs, par) -> par.forEach(x.dim(0), n ->
                Deconv2dReference.forward(s, inputs[0], n * inSize, w, bias, outputs[0], n * outSize, new double[outSize]));
    }
}
