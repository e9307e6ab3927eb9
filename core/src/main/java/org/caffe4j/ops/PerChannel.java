package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.Parallel;

/**
 * Runs a per-channel kernel over a blob viewed as outer x channels x inner, one (outer, channel) plane per call,
 * in parallel tasks of whole planes whose split depends only on the shape.
 */
final class PerChannel {
    interface PlaneKernel {
        /** @param channel the plane's channel index; {@code off} its first element */
        void apply(float[][] inputs, float[] out, int channel, int off, int inner);
    }

    private PerChannel() {
    }

    /** The view of {@code x} with the channel axis spanning [axis, axis + numAxes). */
    static int[] view(Shape x, int axis, int numAxes) {
        return new int[]{(int) x.count(0, axis), (int) x.count(axis, axis + numAxes), (int) x.count(axis + numAxes, x.rank())};
    }

    static LayerKernel kernel(int outer, int channels, int inner, PlaneKernel k) {
        int planes = outer * channels;
        int planesPerTask = Math.max(1, Elementwise.CHUNK / Math.max(1, inner));
        int tasks = (planes + planesPerTask - 1) / planesPerTask;
        return (inputs, outputs, par) -> run(inputs, outputs[0], planes, planesPerTask, tasks, channels, inner, k, par);
    }

    private static void run(float[][] inputs, float[] out, int planes, int perTask, int tasks, int channels, int inner,
                            PlaneKernel k, Parallel par) {
        par.forEach(tasks, t -> {
            int end = Math.min(planes, (t + 1) * perTask);
            for (int plane = t * perTask; plane < end; plane++) {
                k.apply(inputs, out, plane % channels, plane * inner, inner);
            }
        });
    }
}
