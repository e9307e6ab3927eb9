package org.caffe4j.spi;

import java.util.List;
import java.util.function.IntConsumer;

/** One forward pass of a plug-in layer: its blobs, and the model's worker threads. */
public interface LayerCall {
    List<LayerBlob> inputs();

    /** The weight blobs, in the shapes {@link CustomLayer#weightShapes} gave. */
    List<LayerBlob> weights();

    List<LayerBlob> outputs();

    /** Runs {@code task} for 0 .. tasks-1 on the model's worker threads and returns when all are done. */
    void forEach(int tasks, IntConsumer task);
}
