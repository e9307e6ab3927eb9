package org.caffe4j.jmh;

import org.caffe4j.kernels.act.ElementwiseKernels;
import org.caffe4j.kernels.simd.Simd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.Random;

/**
 * The elementwise kernels on AlexNet conv1's output (96 x 55 x 55, 1.1 MB), one thread: the scalar twin against the
 * Vector API ({@code kernels=scalar|vector}).
 */
public class ElementwiseBenchmark extends KernelBenchmark {
    private static final int N = 96 * 55 * 55;

    @Param({"scalar", "vector"})
    public String kernels;

    private ElementwiseKernels k;
    private float[] a;
    private float[] b;
    private float[] out;

    @Setup
    public void setUp() {
        k = kernels.equals("vector") ? Simd.elementwise() : ElementwiseKernels.SCALAR;
        Random rnd = new Random(1);
        a = new float[N];
        b = new float[N];
        out = new float[N];
        for (int i = 0; i < N; i++) {
            a[i] = rnd.nextFloat() * 2 - 1;
            b[i] = rnd.nextFloat() * 2 - 1;
        }
    }

    @Benchmark
    public float[] relu() {
        k.relu(a, 0, out, 0, N, 0f);
        return out;
    }

    @Benchmark
    public float[] eltwiseSumOfTwo() {
        k.sum(new float[][] {a, b}, new float[] {1f, 1f}, out, 0, N);
        return out;
    }

    @Benchmark
    public float[] batchNormNormalize() {
        k.normalize(a, out, 0, N, 0.5f, 1.5f);
        return out;
    }

    @Benchmark
    public float[] scaleWithBias() {
        k.scaleBias(a, out, 0, N, 1.5f, true, 0.25f, true);
        return out;
    }
}
