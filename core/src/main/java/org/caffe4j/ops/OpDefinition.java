package org.caffe4j.ops;

import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Shape;

import java.util.List;

/**
 * Everything caffe4j knows about one Caffe layer type, in one class: how to read and check its parameters, what
 * shapes it produces, which weight blobs it needs, a plain reference kernel and (optionally) a fast one.
 * Adding a layer = one implementation plus one line in {@link org.caffe4j.ops.registry.BuiltinOps}.
 *
 * @param <P> the op's immutable parameter record
 */
public interface OpDefinition<P> {
    /** The Caffe type string, e.g. "Convolution" (the registry key). */
    String type();

    /**
     * Reads and checks every field this op uses, and the number of bottoms and tops. Throws with the field path
     * via {@link LayerContext#unsupported}/{@link LayerContext#invalid}.
     */
    P parse(LayerContext layer);

    /** Output shapes for the given input shapes; checks that the inputs fit (Caffe's Reshape). */
    List<Shape> outputShapes(P params, List<Shape> inputs, LayerContext layer);

    /** Shapes of the weight blobs this layer needs for the given inputs (empty for none). */
    default List<Shape> weightShapes(P params, List<Shape> inputs) {
        return List.of();
    }

    /**
     * Caffe's {@code adjust_blobs}: turns the blobs the caffemodel stores for this layer into the ones it runs
     * with, when they may legitimately differ (a mean stored at the training size), or refuses them with the
     * field at fault. Called once the count matches {@link #weightShapes}; the result is then checked against
     * those shapes. The default keeps the stored blobs.
     */
    default List<Blob> adaptWeights(P params, List<Shape> inputs, List<Blob> stored, LayerContext layer) {
        return stored;
    }

    /** Multiply-adds of one forward pass (convolutions and inner products; 0 for the rest). */
    default long multiplyAdds(P params, List<Shape> inputs, List<Shape> outputs) {
        return 0;
    }

    /** The plain, obviously-correct kernel. Always present; fast kernels are tested against it. */
    LayerKernel reference(P params, KernelContext context);

    /** Picks an optimized kernel when one applies; falls back to the reference. */
    default LayerKernel lower(P params, KernelContext context) {
        return reference(params, context);
    }

    /**
     * True when output i may share input i's buffer (an elementwise op whose kernel reads each element before
     * writing it), so that in-place layers need no copy.
     */
    default boolean inPlaceCapable() {
        return false;
    }

    /**
     * True when the kernel {@link #lower} builds for a layer of one bottom and one top can write that top at an offset
     * into a larger buffer ({@link LayerKernel#run(float[][], float[][], int, Parallel)}), so that a Concat of such
     * tops needs no copy: the planner then gives each producer its slice of the concat's buffer, as OpenCV does.
     */
    default boolean writesOutputAtOffset() {
        return false;
    }

    /**
     * Where each input starts in output 0 when that output is nothing but the inputs laid end to end (a Concat whose
     * axis has nothing but size-1 axes before it: batch 1 on channels); null (the default) otherwise. The planner
     * then lets producers that {@link #writesOutputAtOffset} write there, and the layer has no step of its own.
     */
    default long[] inputsLaidEndToEnd(P params, List<Shape> inputs, List<Shape> outputs) {
        return null;
    }

    /** True when {@link #lower} honours {@link KernelContext#fusedReluSlope()} (bias and ReLU in one pass). */
    default boolean fusesRelu() {
        return false;
    }

    /**
     * The per-channel affine map this layer applies with these weights, when it is one (an inference BatchNorm, a
     * one-bottom Scale over the channels), so that the planner may fold it into the layer producing its input;
     * null (the default) when it is not.
     */
    default ChannelAffine channelAffine(P params, List<Blob> weights, List<Shape> inputs) {
        return null;
    }

    /** Whether {@link #foldAffine} would take {@code affine} (without building the folded weights). */
    default boolean foldsAffine(P params, List<Blob> weights, ChannelAffine affine) {
        return false;
    }

    /**
     * This layer with {@code affine} applied to its output channels folded into its parameters and weights, or null
     * (the default) when it cannot take it ({@link #foldsAffine} says which beforehand). The result computes the
     * affine of this layer's output up to float rounding, not bit for bit: the planner folds only where no one asks
     * for the values in between.
     */
    default Folded<P> foldAffine(P params, List<Blob> weights, ChannelAffine affine) {
        return null;
    }

    /** Parameters and weights after {@link #foldAffine}. */
    record Folded<P>(P params, List<Blob> weights) {
        public Folded {
            weights = List.copyOf(weights);
        }
    }
}
