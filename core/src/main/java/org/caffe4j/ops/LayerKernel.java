package org.caffe4j.ops;

import org.caffe4j.kernels.Parallel;

/**
 * A layer bound to its shapes and weights, ready to run: reads the input buffers and writes the output buffers.
 * Buffers may be longer than the blobs (they are reused); values start at index 0. Must be thread-safe: one
 * plan serves concurrent runs, each with its own buffers.
 */
@FunctionalInterface
public interface LayerKernel {
    void run(float[][] inputs, float[][] outputs, Parallel parallel);

    /**
     * Bytes of weights one run reads (each at least once), as the kernel stores them; 0 for layers without weights
     * worth counting. A layer whose weights come from memory on every run (they outgrow the caches within a pass)
     * cannot be faster than this over the machine's streaming bandwidth, which is what `bench` compares it with.
     */
    default long weightBytes() {
        return 0;
    }

    /** {@code body}, reporting {@code weightBytes} of weights read per run. */
    static LayerKernel readingWeights(long weightBytes, LayerKernel body) {
        return new LayerKernel() {
            @Override
            public void run(float[][] inputs, float[][] outputs, Parallel parallel) {
                body.run(inputs, outputs, parallel);
            }

            @Override
            public long weightBytes() {
                return weightBytes;
            }
        };
    }
}
