package org.caffe4j.ops;

import org.caffe4j.ir.Shape;

import java.util.List;

/**
 * A fork's convolution type that computes what a BVLC {@link ConvolutionOp} computes once its parameters are known
 * (the depthwise types of the MobileNet forks): it parses and checks its own fields, then maps them, with the input
 * shapes, to the Convolution that runs it, so shapes, weights, multiply-adds and kernel choice are Convolution's.
 *
 * @param <P> the variant's parameters
 */
abstract class ConvolutionVariantOp<P> implements OpDefinition<P> {
    private static final ConvolutionOp CONVOLUTION = new ConvolutionOp();

    /** The Convolution this layer is for these inputs. */
    abstract ConvolutionOp.Params convolution(P params, List<Shape> inputs);

    /** Checks the bottom before Convolution's own checks (the variant's extra conditions). */
    abstract void checkInput(P params, Shape bottom, LayerContext ctx);

    @Override
    public final List<Shape> outputShapes(P p, List<Shape> in, LayerContext ctx) {
        checkInput(p, in.get(0), ctx);
        return CONVOLUTION.outputShapes(convolution(p, in), in, ctx);
    }

    @Override
    public final List<Shape> weightShapes(P p, List<Shape> in) {
        return CONVOLUTION.weightShapes(convolution(p, in), in);
    }

    @Override
    public final long multiplyAdds(P p, List<Shape> in, List<Shape> out) {
        return CONVOLUTION.multiplyAdds(convolution(p, in), in, out);
    }

    @Override
    public final boolean fusesRelu() {
        return true;
    }

    @Override
    public final boolean writesOutputAtOffset() {
        return CONVOLUTION.writesOutputAtOffset();
    }

    @Override
    public final LayerKernel reference(P p, KernelContext ctx) {
        return CONVOLUTION.reference(convolution(p, ctx.inputShapes()), ctx);
    }

    @Override
    public final LayerKernel lower(P p, KernelContext ctx) {
        return CONVOLUTION.lower(convolution(p, ctx.inputShapes()), ctx);
    }
}
