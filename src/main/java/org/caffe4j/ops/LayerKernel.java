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
}
