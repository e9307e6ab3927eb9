package org.caffe4j.ops;

import org.caffe4j.kernels.Parallel;

/** Runs a one-input elementwise kernel over fixed-size chunks in parallel (chunking depends only on the size). */
public final class Elementwise {
    /** Elements per task: big enough to amortise scheduling, small enough to split NIN-sized blobs. */
    static final int CHUNK = 1 << 15;

    public interface RangeKernel {
        void apply(float[] in, float[] out, int from, int length);
    }

    private Elementwise() {
    }

    static LayerKernel chunked(int n, RangeKernel kernel) {
        int tasks = (n + CHUNK - 1) / CHUNK;
        return (inputs, outputs, par) -> run(tasks, n, inputs[0], outputs[0], kernel, par);
    }

    private static void run(int tasks, int n, float[] in, float[] out, RangeKernel kernel, Parallel par) {
        if (tasks <= 1) {
            kernel.apply(in, out, 0, n);
            return;
        }
        par.forEach(tasks, t -> {
            int from = t * CHUNK;
            kernel.apply(in, out, from, Math.min(CHUNK, n - from));
        });
    }
}
