package org.caffe4j.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything about loading a {@link Model} in one place: where the net comes from (files or streams) and how to
 * load it (threads, batch, input shapes, unknown fields, plug-ins). {@code Model.builder().files(net, weights)
 * .threads(2).batch(8).build()}. Each setter returns this builder; {@link #build} may be called more than once.
 */
public final class ModelBuilder {
    private Path netFile;
    private Path weightsFile;
    private InputStream netStream;
    private InputStream weightsStream;
    private LoadOptions options = LoadOptions.defaults();
    private final Map<String, int[]> inputShapes = new LinkedHashMap<>();

    ModelBuilder() {
    }

    /** The net definition (.prototxt, any Caffe dialect) and its weights (.caffemodel). */
    public ModelBuilder files(Path net, Path weights) {
        this.netFile = net;
        this.weightsFile = weights;
        this.netStream = null;
        this.weightsStream = null;
        return this;
    }

    /** The same from streams (read fully by {@link #build}; the caller closes them). */
    public ModelBuilder streams(InputStream net, InputStream weights) {
        this.netStream = net;
        this.weightsStream = weights;
        this.netFile = null;
        this.weightsFile = null;
        return this;
    }

    /** Worker threads for one forward pass (default: all cores). */
    public ModelBuilder threads(int threads) {
        options = options.withThreads(threads);
        return this;
    }

    /** The inputs' batch size (default: as declared, 1 for inputs made from data layers). */
    public ModelBuilder batch(int batch) {
        options = options.withBatch(batch);
        return this;
    }

    /** Channels of inputs made from data layers, when the definition does not say. */
    public ModelBuilder channels(int channels) {
        options = options.withChannels(channels);
        return this;
    }

    /** An input's shape, overriding the declared one (a fully convolutional net then runs at that size). */
    public ModelBuilder inputShape(String blob, int... shape) {
        inputShapes.put(blob, shape.clone());
        options = options.withInputShapes(Map.copyOf(inputShapes));
        return this;
    }

    /** Load prototxts carrying fields from Caffe forks, ignoring those fields (each is reported in the notes). */
    public ModelBuilder ignoreUnknownFields(boolean ignore) {
        options = options.withIgnoreUnknownFields(ignore);
        return this;
    }

    /** Append a Softmax layer when the net does not end in one. */
    public ModelBuilder addSoftmax(boolean add) {
        options = options.withAddSoftmax(add);
        return this;
    }

    /**
     * The model runs only a pass or two (a command-line run of one input): its layers use the scalar twins of the
     * vector kernels, bit-identical and compiled by the JIT within milliseconds ({@link LoadOptions#oneShot}).
     */
    public ModelBuilder oneShot(boolean oneShot) {
        options = options.withOneShot(oneShot);
        return this;
    }

    /** Run every layer with its plain reference kernel (slow; for checking the fast ones). */
    public ModelBuilder reference(boolean reference) {
        options = options.withReference(reference);
        return this;
    }

    /** Where to look for layer plug-ins (default: the thread's context class loader). */
    public ModelBuilder plugins(ClassLoader loader) {
        options = options.withPlugins(loader);
        return this;
    }

    /** The options this builder has gathered. */
    public LoadOptions options() {
        return options;
    }

    public Model build() throws IOException {
        if (netFile != null) {
            return Model.load(netFile, weightsFile, options);
        }
        if (netStream != null) {
            return Model.load(netStream, weightsStream, options);
        }
        throw new IllegalStateException("no net to load: call files(net, weights) or streams(net, weights) first");
    }
}
