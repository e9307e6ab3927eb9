package org.caffe4j.jmh;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.conv.Conv2dIm2colGemm;
import org.caffe4j.kernels.conv.Conv2dKernel;
import org.caffe4j.kernels.conv.Conv2dPointwiseGemm;
import org.caffe4j.kernels.conv.Conv2dSpaceToDepth;
import org.caffe4j.kernels.conv.Conv2dWinograd;
import org.caffe4j.kernels.conv.ConvShape;
import org.caffe4j.kernels.simd.Simd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One NIN ImageNet convolution layer with its ReLU fused: 1x1 layers through the pointwise GEMM, the others through
 * im2col + SGEMM, or, when {@code winograd} gives an output tile m, Winograd F(m x m, r x r) (stride 1) or
 * space-to-depth then Winograd (conv1's stride 4). m must suit the kernel: 2, 3, 4, 6 for 3x3 (and conv1's rewritten
 * 3x3), 2, 4 for 5x5. Per image; {@code threads} workers. For example
 * {@code java -jar jmh/target/benchmarks.jar ConvolutionBenchmark -p layer=conv2,conv3 -p winograd=0,2,4}.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConvolutionBenchmark extends KernelBenchmark {
    private static final Map<String, ConvShape> NIN = Map.ofEntries(
            Map.entry("conv1", new ConvShape(3, 224, 224, 96, 11, 11, 4, 4, 0, 0, 1, 1, 1)),
            Map.entry("cccp1", pointwise(96, 54, 96)),
            Map.entry("conv2", new ConvShape(96, 27, 27, 256, 5, 5, 1, 1, 2, 2, 1, 1, 1)),
            Map.entry("cccp3", pointwise(256, 27, 256)),
            Map.entry("conv3", new ConvShape(256, 13, 13, 384, 3, 3, 1, 1, 1, 1, 1, 1, 1)),
            Map.entry("cccp5", pointwise(384, 13, 384)),
            Map.entry("conv4-1024", new ConvShape(384, 6, 6, 1024, 3, 3, 1, 1, 1, 1, 1, 1, 1)),
            Map.entry("cccp7-1024", pointwise(1024, 6, 1024)));

    @Param({"conv1", "cccp1", "conv2", "cccp3", "conv3", "cccp5", "conv4-1024", "cccp7-1024"})
    public String layer;

    /** Winograd output tile m (0: im2col + SGEMM for every k x k layer). */
    @Param({"0"})
    public int winograd;

    @Param({"2"})
    public int threads;

    private ConvShape shape;
    private Conv2dKernel kernel;
    private float[] in;
    private float[] out;
    private Parallel par;

    private static ConvShape pointwise(int inC, int size, int outC) {
        return new ConvShape(inC, size, size, outC, 1, 1, 1, 1, 0, 0, 1, 1, 1);
    }

    @Setup
    public void setUp() {
        shape = NIN.get(layer);
        Random rnd = new Random(42);
        float[] w = Workers.random(rnd, shape.weightSize(), 0.05f);
        float[] bias = Workers.random(rnd, shape.outC(), 0.1f);
        ConvShape s = shape;
        kernel = s.isPointwise()
                ? new Conv2dPointwiseGemm(w, bias, s.outC(), s.inCPerGroup(), s.group(), Activation.RELU,
                Simd.sgemmKernel())
                : winograd > 0 && Conv2dWinograd.supports(s)
                ? new Conv2dWinograd(w, bias, s.outC(), s.inC(), s.kH(), winograd, Activation.RELU, Simd.sgemmKernel(),
                Simd.winogradTransforms())
                : winograd > 0 && Conv2dSpaceToDepth.supports(s)
                ? new Conv2dSpaceToDepth(w, bias, s.outC(), s.inC(), s.kH(), s.strideH(), winograd, Activation.RELU,
                Simd.sgemmKernel(), Simd.winogradTransforms())
                : new Conv2dIm2colGemm(w, bias, s.outC(), s.inCPerGroup(), s.kH(), s.kW(), s.group(), Activation.RELU,
                Simd.sgemmKernel());
        in = Workers.random(rnd, s.inSize(), 1f);
        out = new float[s.outSize()];
        par = Workers.pool(threads);
    }

    @TearDown
    public void tearDown() {
        Workers.close(par);
    }

    @Benchmark
    public float[] forward() {
        kernel.forward(shape, 1, in, 0, out, 0, par);
        return out;
    }

}
