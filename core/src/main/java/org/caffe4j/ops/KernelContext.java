package org.caffe4j.ops;

import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.CpuProfile;
import org.caffe4j.kernels.simd.KernelSet;
import org.caffe4j.kernels.simd.Simd;

import java.util.List;
import java.util.function.Supplier;

/**
 * What an op needs to build its kernel: the concrete shapes, its weights, a fusion request from the planner, and
 * a per-model memo so that repacked weights survive re-planning for another input size.
 */
public interface KernelContext {
    String layerName();

    List<Shape> inputShapes();

    List<Shape> outputShapes();

    List<Blob> weights();

    /**
     * Non-null when the planner asks this op to apply a ReLU with this negative slope to its output in the same
     * pass (only for ops whose {@link OpDefinition#fusesRelu()} is true).
     */
    Float fusedReluSlope();

    /** The machine the kernel choices are made for: the host, unless a test names another profile. */
    default CpuProfile cpu() {
        return Simd.profile();
    }

    /** The inner kernels to build with: the vector ones, or their bit-identical scalar twins for a one-shot model. */
    default KernelSet kernels() {
        return Simd.kernels();
    }

    /** Returns the value memoised under (layer, key), computing it once per loaded model. */
    <T> T memo(String key, Supplier<T> compute);

    /**
     * Tells the planner that the (memoised) kernel keeps weight blob {@code index} exactly, in a layout that
     * {@code unpack} turns back into the loaded values: the planner then drops the loaded copy, so that the model
     * holds those weights once, and {@link Blob#data()} rebuilds them if anything asks again. Ignored for weights
     * the planner computed itself (a folded layer's).
     */
    default void weightsKeptByKernel(int index, Supplier<float[]> unpack) {
    }

    /**
     * Tells the planner that the (memoised) kernel holds its own copy of weight blob {@code index}, a transform that
     * cannot give the loaded values back (Winograd's), and no reference to them: the planner then drops the loaded
     * values where they can be read again from their caffemodel ({@link Blob#releaseToOrigin}).
     */
    default void weightsCopiedByKernel(int index) {
    }
}
