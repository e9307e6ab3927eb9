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
     * Runs with output 0 starting {@code outputOffset} floats into {@code outputs[0]}, writing nothing outside its
     * own values: the planner places the tops a Concat joins straight into the concat's buffer
     * ({@link OpDefinition#writesOutputAtOffset}). Kernels of other ops are only ever run at offset 0.
     */
    default void run(float[][] inputs, float[][] outputs, int outputOffset, Parallel parallel) {
        if (outputOffset != 0) {
            throw new IllegalStateException("this kernel writes its output from index 0 only");
        }
        run(inputs, outputs, parallel);
    }

    /** A kernel body that writes output 0 at an offset ({@link #run(float[][], float[][], int, Parallel)}). */
    @FunctionalInterface
    interface AtOffset {
        void run(float[][] inputs, float[][] outputs, int outputOffset, Parallel parallel);
    }

    /**
     * Bytes of weights one run reads (each at least once), as the kernel stores them; 0 for layers without weights
     * worth counting. A layer whose weights come from memory on every run (they outgrow the caches within a pass)
     * cannot be faster than this over the machine's streaming bandwidth, which is what `bench` compares it with.
     */
    default long weightBytes() {
        return 0;
    }

    /**
     * Whether a batch runs markedly faster through this kernel whole than one image at a time, so that a batch run
     * must not take it image by image (the runtime's image-by-image prefix stops before it): a kernel whose work for
     * one image splits into too few tasks to keep the threads busy.
     */
    default boolean batchesBetter() {
        return false;
    }

    /** {@code body}, which writes output 0 at any offset, reporting {@code weightBytes} of weights read per run. */
    static LayerKernel writingAtOffset(long weightBytes, AtOffset body) {
        return writingAtOffset(weightBytes, false, body);
    }

    /** As {@link #writingAtOffset(long, AtOffset)}, reporting {@code batchesBetter} ({@link #batchesBetter()}). */
    static LayerKernel writingAtOffset(long weightBytes, boolean batchesBetter, AtOffset body) {
        return new LayerKernel() {
            @Override
            public void run(float[][] inputs, float[][] outputs, Parallel parallel) {
                body.run(inputs, outputs, 0, parallel);
            }

            @Override
            public void run(float[][] inputs, float[][] outputs, int outputOffset, Parallel parallel) {
                body.run(inputs, outputs, outputOffset, parallel);
            }

            @Override
            public long weightBytes() {
                return weightBytes;
            }

            @Override
            public boolean batchesBetter() {
                return batchesBetter;
            }
        };
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
