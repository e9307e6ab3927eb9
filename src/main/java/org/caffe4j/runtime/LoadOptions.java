package org.caffe4j.runtime;

import java.util.Map;

/**
 * How to load a model.
 *
 * @param threads             worker threads for one forward pass (default: all cores)
 * @param batch               batch size for the inputs (null: 1 for inputs derived from data layers, else as declared)
 * @param channels            channels of inputs derived from data layers when the definition does not say
 * @param inputShapes         explicit input shapes by blob name (overrides everything else), or null
 * @param ignoreUnknownFields load prototxts that carry fields from Caffe forks, ignoring those fields
 * @param addSoftmax          append a Softmax layer when the net does not end in one
 * @param reference           run every layer with its plain reference kernel (slow; for testing)
 */
public record LoadOptions(int threads, Integer batch, Integer channels, Map<String, int[]> inputShapes,
                          boolean ignoreUnknownFields, boolean addSoftmax, boolean reference) {

    public static LoadOptions defaults() {
        return new LoadOptions(Runtime.getRuntime().availableProcessors(), null, null, null, false, false, false);
    }

    public LoadOptions withThreads(int n) {
        return new LoadOptions(n, batch, channels, inputShapes, ignoreUnknownFields, addSoftmax, reference);
    }

    public LoadOptions withBatch(Integer n) {
        return new LoadOptions(threads, n, channels, inputShapes, ignoreUnknownFields, addSoftmax, reference);
    }

    public LoadOptions withChannels(Integer n) {
        return new LoadOptions(threads, batch, n, inputShapes, ignoreUnknownFields, addSoftmax, reference);
    }

    public LoadOptions withInputShapes(Map<String, int[]> shapes) {
        return new LoadOptions(threads, batch, channels, shapes, ignoreUnknownFields, addSoftmax, reference);
    }

    public LoadOptions withIgnoreUnknownFields(boolean b) {
        return new LoadOptions(threads, batch, channels, inputShapes, b, addSoftmax, reference);
    }

    public LoadOptions withAddSoftmax(boolean b) {
        return new LoadOptions(threads, batch, channels, inputShapes, ignoreUnknownFields, b, reference);
    }

    public LoadOptions withReference(boolean b) {
        return new LoadOptions(threads, batch, channels, inputShapes, ignoreUnknownFields, addSoftmax, b);
    }
}
