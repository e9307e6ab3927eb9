package org.caffe4j.jmh;

import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.layout.BatchedTranspose;
import org.caffe4j.kernels.layout.PermuteCopy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Random;

/**
 * SSD's Permute 0,2,3,1 (channels last) of one image: the reference odometer copy against the tiled batched
 * transpose on one thread and on two.
 */
public class PermuteBenchmark extends KernelBenchmark {
    /** channels x height x width: SSD-VGG16's conv4_3 head and MobileNet-SSD's conv11 head, and a 512-channel map. */
    @Param({"84x38x38", "63x19x19", "512x38x38"})
    public String shape;

    private int channels;
    private int plane;
    private int[] outDims;
    private int[] steps;
    private float[] in;
    private float[] out;
    private Parallel two;

    @Setup
    public void setUp() {
        String[] d = shape.split("x");
        channels = Integer.parseInt(d[0]);
        int h = Integer.parseInt(d[1]);
        int w = Integer.parseInt(d[2]);
        plane = h * w;
        outDims = new int[] {1, h, w, channels};
        steps = new int[] {channels * plane, w, 1, plane}; // bottom strides of axes 0, 2, 3, 1
        Random rnd = new Random(1);
        in = new float[channels * plane];
        for (int i = 0; i < in.length; i++) {
            in[i] = rnd.nextFloat();
        }
        out = new float[in.length];
        two = Workers.pool(2);
    }

    @TearDown
    public void tearDown() {
        Workers.close(two);
    }

    @Benchmark
    public float[] referenceCopy() {
        PermuteCopy.forward(in, out, in.length, outDims, steps);
        return out;
    }

    @Benchmark
    public float[] transposeOneThread() {
        BatchedTranspose.forward(in, out, 1, channels, plane, Parallel.SERIAL);
        return out;
    }

    @Benchmark
    public float[] transposeTwoThreads() {
        BatchedTranspose.forward(in, out, 1, channels, plane, two);
        return out;
    }
}
