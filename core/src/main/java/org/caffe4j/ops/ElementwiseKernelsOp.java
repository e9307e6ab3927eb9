package org.caffe4j.ops;

import org.caffe4j.kernels.act.ElementwiseKernels;
import org.caffe4j.kernels.simd.Simd;

/**
 * An op whose one kernel is written against {@link ElementwiseKernels}: the reference gets the scalar set, the
 * lowered kernel the Vector API set when {@link Simd#enabled()} (the same bits). Every such op reads each element
 * before writing it, so its output may share its first input's buffer.
 */
interface ElementwiseKernelsOp<P> extends OpDefinition<P> {
    /** The op's kernel, computing with {@code k}. */
    LayerKernel kernel(P params, KernelContext context, ElementwiseKernels k);

    @Override
    default LayerKernel reference(P params, KernelContext context) {
        return kernel(params, context, ElementwiseKernels.SCALAR);
    }

    @Override
    default LayerKernel lower(P params, KernelContext context) {
        return kernel(params, context, context.kernels().elementwise());
    }

    @Override
    default boolean inPlaceCapable() {
        return true;
    }
}
