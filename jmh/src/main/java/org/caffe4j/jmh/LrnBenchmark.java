package org.caffe4j.jmh;

import org.caffe4j.kernels.norm.LrnAcrossChannels;
import org.caffe4j.kernels.norm.LrnReference;
import org.caffe4j.kernels.simd.Simd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * ACROSS_CHANNELS LRN (local_size 5, alpha 1e-4, beta 0.75) on AlexNet's norm1 (96 x 55²) and norm2 (256 x 27²), one
 * image, one thread: the double-precision reference against the running-sum kernel.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LrnBenchmark extends KernelBenchmark {
    /** channels x plane */
    @Param({"96x3025", "256x729"})
    public String shape;

    private int channels;
    private int plane;
    private float[] in;
    private float[] out;

    @Setup
    public void setUp() {
        String[] cp = shape.split("x");
        channels = Integer.parseInt(cp[0]);
        plane = Integer.parseInt(cp[1]);
        Random rnd = new Random(1);
        in = new float[channels * plane];
        for (int i = 0; i < in.length; i++) {
            in[i] = rnd.nextFloat() * 20 - 10;
        }
        out = new float[in.length];
    }

    @Benchmark
    public float[] reference() {
        LrnReference.acrossChannels(in, 0, out, 0, channels, plane, 5, 1e-4f, 0.75f, 1f);
        return out;
    }

    @Benchmark
    public float[] runningSum() {
        int blocks = LrnAcrossChannels.blocks(plane);
        for (int b = 0; b < blocks; b++) {
            LrnAcrossChannels.forwardBlock(in, 0, out, 0, channels, plane, b, 5, 1e-4f, 0.75f, 1f, Simd.lrnKernel());
        }
        return out;
    }
}
