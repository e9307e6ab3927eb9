package org.caffe4j.jmh;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.dense.InnerProductPackedGemm;
import org.caffe4j.kernels.dense.InnerProductReference;
import org.caffe4j.kernels.simd.Simd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * AlexNet/CaffeNet fc6 (9216 -> 4096, bias + ReLU; 151 MB of weights, streamed from memory on every call) at batch 1
 * and 8: the double-accumulating reference (one thread), the packed kernel as the runtime picks its path, and each
 * path forced (GEMV, SGEMM), to show where the switch between them belongs. The input is a ReLU's output: random
 * values with the negative half set to zero, which the GEMV skips.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class InnerProductBenchmark extends KernelBenchmark {
    private static final int K = 9216;
    private static final int N = 4096;

    @Param({"1", "8"})
    public int batch;

    @Param({"chosen", "gemv", "sgemm", "reference"})
    public String path;

    @Param({"2"})
    public int threads;

    private float[] w;
    private float[] bias;
    private InnerProductPackedGemm packed;
    private float[] in;
    private float[] out;
    private Parallel par;

    @Setup
    public void setUp() {
        Random rnd = new Random(42);
        w = Workers.random(rnd, K * N, 0.01f);
        bias = Workers.random(rnd, N, 0.1f);
        packed = switch (path) {
            case "gemv" -> new InnerProductPackedGemm(w, bias, N, K, false, Activation.RELU, batch,
                    Integer.MAX_VALUE, Simd.sgemmKernel(), Simd.gemvKernel());
            case "sgemm" -> new InnerProductPackedGemm(w, bias, N, K, false, Activation.RELU, batch, 0,
                    Simd.sgemmKernel(), Simd.gemvKernel());
            case "chosen" -> new InnerProductPackedGemm(w, bias, N, K, false, Activation.RELU, batch,
                    Simd.sgemmKernel(), Simd.gemvKernel());
            default -> null;
        };
        in = Workers.random(rnd, batch * K, 1f);
        for (int i = 0; i < in.length; i++) {
            in[i] = Math.max(in[i], 0f);
        }
        out = new float[batch * N];
        par = Workers.pool(threads);
    }

    @TearDown
    public void tearDown() {
        Workers.close(par);
    }

    @Benchmark
    public float[] forward() {
        if (packed == null) {
            InnerProductReference.forward(in, w, bias, out, batch, N, K, false);
        } else {
            packed.forward(in, 0, batch, out, 0, par);
        }
        return out;
    }
}
