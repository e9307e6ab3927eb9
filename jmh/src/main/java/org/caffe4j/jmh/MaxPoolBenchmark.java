package org.caffe4j.jmh;

import org.caffe4j.kernels.pool.MaxPoolKernel;
import org.caffe4j.kernels.pool.Pool2dReference;
import org.caffe4j.kernels.simd.Simd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.Random;

/**
 * MAX pooling of one image on one thread, input in cache: the vector kernel against its scalar twin. Shapes: NIN's
 * pool0 (96 x 54², 3x3 stride 2), SqueezeNet's pool1 (64 x 113²), GoogLeNet's pool3 (480 x 28²) and an inception pool
 * (256 x 28², 3x3 stride 1, pad 1); ceil mode, as Caffe.
 */
public class MaxPoolBenchmark extends KernelBenchmark {
    /** planes x side, kernel, stride, pad */
    @Param({"96x54-k3s2p0", "64x113-k3s2p0", "480x28-k3s2p0", "256x28-k3s1p1"})
    public String shape;

    private int planes;
    private int side;
    private int kernel;
    private int stride;
    private int pad;
    private int outSide;
    private float[] in;
    private float[] out;
    private MaxPoolKernel vector;
    private MaxPoolKernel twin;

    @Setup
    public void setUp() {
        String[] parts = shape.split("-");
        String[] size = parts[0].split("x");
        planes = Integer.parseInt(size[0]);
        side = Integer.parseInt(size[1]);
        String window = parts[1];
        kernel = Integer.parseInt(window.substring(1, window.indexOf('s')));
        stride = Integer.parseInt(window.substring(window.indexOf('s') + 1, window.indexOf('p')));
        pad = Integer.parseInt(window.substring(window.indexOf('p') + 1));
        outSide = Pool2dReference.outputSize(side, kernel, pad, stride, true);
        Random rnd = new Random(1);
        in = new float[planes * side * side];
        for (int i = 0; i < in.length; i++) {
            // ReLU outputs, as the pools of these nets see: about half zeros.
            in[i] = Math.max(0f, (float) rnd.nextGaussian());
        }
        out = new float[planes * outSide * outSide];
        vector = Simd.kernels().maxPool();
        twin = Simd.twins().maxPool();
    }

    @Benchmark
    public float[] vector() {
        vector.max(in, 0, out, 0, planes, side, side, outSide, outSide, kernel, kernel, stride, stride, pad, pad);
        return out;
    }

    @Benchmark
    public float[] scalarTwin() {
        twin.max(in, 0, out, 0, planes, side, side, outSide, outSide, kernel, kernel, stride, stride, pad, pad);
        return out;
    }
}
