package org.caffe4j.spi;

import java.util.List;

/**
 * A layer type caffe4j does not know, supplied by a plug-in: a class with a public no-argument constructor, listed
 * in its jar's {@code META-INF/services/org.caffe4j.spi.CustomLayer}. caffe4j finds plug-ins on the class path
 * ({@link java.util.ServiceLoader}, through the thread's context class loader) or, on the command line, in the jars
 * given with {@code --plugins}. A plug-in layer goes through the same planner, buffers and worker threads as the
 * built-in ones; it may not claim a type caffe4j already runs.
 *
 * <p>Shapes are {@code int[]} in Caffe's order (N x C x H x W for images). Implementations must be thread-safe:
 * one model serves concurrent runs, and {@link #forward} may be called for several runs at once.
 */
public interface CustomLayer {
    /** The Caffe type string this plug-in runs, as in the prototxt's {@code type: "..."}. */
    String type();

    /**
     * Checks the layer's parameters and bottoms, and returns one shape per top (Caffe's Reshape). Called when the
     * model is loaded and whenever an input of another shape reshapes it. Refuse a value by throwing
     * {@link LayerParams#invalid}.
     */
    List<int[]> outputShapes(LayerParams params, List<int[]> inputShapes);

    /** The shapes of the weight blobs the layer needs from the caffemodel, in order (none by default). */
    default List<int[]> weightShapes(LayerParams params, List<int[]> inputShapes) {
        return List.of();
    }

    /** One forward pass over the whole batch: read {@link LayerCall#inputs()}, write {@link LayerCall#outputs()}. */
    void forward(LayerParams params, LayerCall call);

    /**
     * True when output 0 may share input 0's buffer (a layer with {@code top == bottom} in the prototxt then needs
     * no copy): {@link #forward} must read each input element before writing the same output element.
     */
    default boolean inPlace() {
        return false;
    }
}
