package org.caffe4j.runtime;

import java.util.Map;

/**
 * How to load a model.
 *
 * @param threads             worker threads for one forward pass (default: all cores)
 * @param batch               batch size for the inputs (null: 1 for inputs derived from data layers, else as declared)
 * @param channels            channels of inputs derived from data layers when the definition does not say
 * @param inputShapes         explicit input shapes by blob name (overrides everything else), or null; the key
 *                            {@link #FIRST_INPUT} names the net's first input
 * @param ignoreUnknownFields load prototxts that carry fields from Caffe forks, ignoring those fields
 * @param addSoftmax          append a Softmax layer when the net does not end in one
 * @param reference           run every layer with its plain reference kernel (slow; for testing)
 * @param plugins             where to look for layer plug-ins ({@link org.caffe4j.spi.CustomLayer} services), or
 *                            null for the current thread's context class loader
 * @param oneShot             the model runs only a pass or two (a command-line run of one input): if a pass takes
 *                            at most 5 billion multiply-adds, its layers use the scalar twins of the vector kernels,
 *                            which give the same results bit for bit and are compiled by the JIT within
 *                            milliseconds, while the vector kernels box every operation until C2 has compiled them
 *                            (NIN's first pass 0.4-0.5 s instead of 1.1 s); slower from the tenth pass or so on
 */
public record LoadOptions(int threads, Integer batch, Integer channels, Map<String, int[]> inputShapes,
                          boolean ignoreUnknownFields, boolean addSoftmax, boolean reference, ClassLoader plugins,
                          boolean oneShot) {
    /** The {@link #inputShapes} key that stands for the net's first input, whatever its name. */
    public static final String FIRST_INPUT = "";
    /** More worker threads than this only cost memory and start-up time: thousands took seconds to start. */
    public static final int MAX_THREADS = 256;

    public LoadOptions {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be 1 to " + MAX_THREADS + " (this machine has "
                    + Runtime.getRuntime().availableProcessors() + " cores), got " + threads);
        }
        if (batch != null && batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (channels != null && channels < 1) {
            throw new IllegalArgumentException("channels must be at least 1, got " + channels);
        }
    }

    /** The options as they were before {@link #oneShot} existed (not one-shot). */
    public LoadOptions(int threads, Integer batch, Integer channels, Map<String, int[]> inputShapes,
                       boolean ignoreUnknownFields, boolean addSoftmax, boolean reference, ClassLoader plugins) {
        this(threads, batch, channels, inputShapes, ignoreUnknownFields, addSoftmax, reference, plugins, false);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()), null, null, null,
                false, false, false, null, false);
    }

    public LoadOptions withThreads(int n) {
        return new LoadOptions(n, batch, channels, inputShapes, ignoreUnknownFields, addSoftmax, reference, plugins, oneShot);
    }

    public LoadOptions withBatch(Integer n) {
        return new LoadOptions(threads, n, channels, inputShapes, ignoreUnknownFields, addSoftmax, reference, plugins, oneShot);
    }

    public LoadOptions withChannels(Integer n) {
        return new LoadOptions(threads, batch, n, inputShapes, ignoreUnknownFields, addSoftmax, reference, plugins, oneShot);
    }

    public LoadOptions withInputShapes(Map<String, int[]> shapes) {
        return new LoadOptions(threads, batch, channels, shapes, ignoreUnknownFields, addSoftmax, reference, plugins, oneShot);
    }

    public LoadOptions withIgnoreUnknownFields(boolean b) {
        return new LoadOptions(threads, batch, channels, inputShapes, b, addSoftmax, reference, plugins, oneShot);
    }

    public LoadOptions withAddSoftmax(boolean b) {
        return new LoadOptions(threads, batch, channels, inputShapes, ignoreUnknownFields, b, reference, plugins, oneShot);
    }

    /** Looks for layer plug-ins through {@code loader} instead of the thread's context class loader. */
    public LoadOptions withPlugins(ClassLoader loader) {
        return new LoadOptions(threads, batch, channels, inputShapes, ignoreUnknownFields, addSoftmax, reference, loader, oneShot);
    }

    /** The class loader plug-ins are looked up through. */
    public ClassLoader pluginLoader() {
        if (plugins != null) {
            return plugins;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : LoadOptions.class.getClassLoader();
    }

    /** See {@link #oneShot}. */
    public LoadOptions withOneShot(boolean b) {
        return new LoadOptions(threads, batch, channels, inputShapes, ignoreUnknownFields, addSoftmax, reference, plugins, b);
    }

    public LoadOptions withReference(boolean b) {
        return new LoadOptions(threads, batch, channels, inputShapes, ignoreUnknownFields, addSoftmax, b, plugins, oneShot);
    }
}
