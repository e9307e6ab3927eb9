package org.caffe4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.conv.Conv2dIm2colGemm;
import org.caffe4j.kernels.conv.Conv2dKernel;
import org.caffe4j.kernels.conv.Conv2dPointwiseGemm;
import org.caffe4j.kernels.conv.Conv2dWinograd;
import org.caffe4j.kernels.conv.ConvShape;
import org.caffe4j.kernels.simd.Simd;

/**
 * Per-layer timing of the convolution kernels on NIN ImageNet's shapes (ReLU fused, as the runtime runs them).
 * Prints the best-of-reps wall milliseconds per image and GFLOP/s per layer, and the sum; also the calling
 * thread's best CPU time, which on a shared machine is the steadier single-thread figure (with several threads it
 * only shows how much the caller itself computed).
 *
 * <pre>
 * mvn -q -o test-compile
 * java --add-modules=jdk.incubator.vector -cp target/classes:target/test-classes \
 *     org.caffe4j.bench.ConvKernelBench [threads=2] [reps=15] [batch=1] [layer-name-filter]
 * </pre>
 * Run with -Dcaffe4j.simd=false for the scalar path, -Dbench.relu=false to leave the ReLU out.
 */
public final class ConvKernelBench {
    /** The caller's CPU time: with one thread it is the kernel's own time, immune to other processes' load. */
    private static final java.lang.management.ThreadMXBean THREAD_CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    record Layer(String name, ConvShape shape) {
        double flops() {
            return 2.0 * shape.outSize() * shape.inCPerGroup() * shape.kH() * shape.kW();
        }
    }

    static List<Layer> ninImagenet() {
        List<Layer> layers = new ArrayList<>();
        layers.add(new Layer("conv1", new ConvShape(3, 224, 224, 96, 11, 11, 4, 4, 0, 0, 1, 1, 1)));
        layers.add(new Layer("cccp1", pointwise(96, 54, 96)));
        layers.add(new Layer("cccp2", pointwise(96, 54, 96)));
        layers.add(new Layer("conv2", new ConvShape(96, 27, 27, 256, 5, 5, 1, 1, 2, 2, 1, 1, 1)));
        layers.add(new Layer("cccp3", pointwise(256, 27, 256)));
        layers.add(new Layer("cccp4", pointwise(256, 27, 256)));
        layers.add(new Layer("conv3", new ConvShape(256, 13, 13, 384, 3, 3, 1, 1, 1, 1, 1, 1, 1)));
        layers.add(new Layer("cccp5", pointwise(384, 13, 384)));
        layers.add(new Layer("cccp6", pointwise(384, 13, 384)));
        layers.add(new Layer("conv4-1024", new ConvShape(384, 6, 6, 1024, 3, 3, 1, 1, 1, 1, 1, 1, 1)));
        layers.add(new Layer("cccp7-1024", pointwise(1024, 6, 1024)));
        layers.add(new Layer("cccp8-1024", pointwise(1024, 6, 1000)));
        return layers;
    }

    private static ConvShape pointwise(int inC, int size, int outC) {
        return new ConvShape(inC, size, size, outC, 1, 1, 1, 1, 0, 0, 1, 1, 1);
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        String filter = args.length > 3 ? args[3] : "";
        Activation act = Boolean.parseBoolean(System.getProperty("bench.relu", "true")) ? Activation.RELU
                : Activation.NONE;
        System.out.printf("java %s, simd=%s (%d-float tile width), threads=%d, batch=%d, best of %d, load average %.1f%n",
                System.getProperty("java.version"), Simd.enabled(), Simd.sgemmKernel().nr(), threads, batch, reps,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Parallel par = threads == 1 ? Parallel.SERIAL : new ThreadPoolParallel(threads);
        Random rnd = new Random(42);
        double totalMs = 0;
        double totalFlops = 0;
        double totalCpuMs = 0;
        List<Layer> layers = new ArrayList<>();
        List<Conv2dKernel> kernels = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        List<float[]> outputs = new ArrayList<>();
        for (Layer layer : ninImagenet()) {
            if (!layer.name().contains(filter)) {
                continue;
            }
            ConvShape s = layer.shape();
            float[] w = random(rnd, s.weightSize(), 0.05f);
            float[] bias = random(rnd, s.outC(), 0.1f);
            layers.add(layer);
            int winograd = Integer.getInteger("bench.winograd", 0);
            kernels.add(s.isPointwise()
                    ? new Conv2dPointwiseGemm(w, bias, s.outC(), s.inCPerGroup(), s.group(), act, Simd.sgemmKernel())
                    : winograd > 0 && Conv2dWinograd.supports(s)
                    ? new Conv2dWinograd(w, bias, s.outC(), s.inC(), s.kH(), winograd, act, Simd.sgemmKernel(), Simd.winogradTransforms())
                    : new Conv2dIm2colGemm(w, bias, s.outC(), s.inCPerGroup(), s.kH(), s.kW(), s.group(), act, Simd.sgemmKernel()));
            inputs.add(random(rnd, s.inSize() * batch, 1f));
            outputs.add(new float[s.outSize() * batch]);
        }
        // Warm up every layer together (as a forward pass would) until C2 has settled: 3 s and 20 passes.
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < 20 || System.nanoTime() < warmEnd; i++) {
            for (int l = 0; l < layers.size(); l++) {
                runBatch(kernels.get(l), layers.get(l).shape(), inputs.get(l), outputs.get(l), batch, par);
            }
        }
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            ConvShape s = layer.shape();
            long[] times = new long[reps];
            long[] cpu = new long[reps];
            for (int r = 0; r < reps; r++) {
                long c0 = THREAD_CPU.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                runBatch(kernels.get(l), s, inputs.get(l), outputs.get(l), batch, par);
                times[r] = System.nanoTime() - t0;
                cpu[r] = THREAD_CPU.getCurrentThreadCpuTime() - c0;
            }
            Arrays.sort(times);
            Arrays.sort(cpu);
            double cpuMs = cpu[0] / 1e6 / batch;
            totalCpuMs += cpuMs;
            double bestMs = times[0] / 1e6 / batch;
            double medianMs = times[reps / 2] / 1e6 / batch;
            totalMs += bestMs;
            totalFlops += layer.flops();
            System.out.printf("%-11s %-42s %7.3f ms (median %7.3f) %6.1f GFLOP/s | caller cpu %7.3f ms%n",
                    layer.name(), describe(s), bestMs, medianMs, layer.flops() / bestMs / 1e6, cpuMs);
        }
        System.out.printf("%-11s %-42s %7.3f ms                  %6.1f GFLOP/s | caller cpu %7.3f ms%n", "total", "",
                totalMs, totalFlops / totalMs / 1e6, totalCpuMs);
        if (par instanceof ThreadPoolParallel pool) {
            pool.close();
        }
    }

    private static void runBatch(Conv2dKernel kernel, ConvShape s, float[] in, float[] out, int batch,
                                 Parallel par) {
        kernel.forward(s, batch, in, 0, out, 0, par);
    }

    private static String describe(ConvShape s) {
        return String.format("%dx%dx%d -> %dx%dx%d k%dx%d s%d p%d", s.inC(), s.inH(), s.inW(), s.outC(), s.outH(),
                s.outW(), s.kH(), s.kW(), s.strideH(), s.padH());
    }

    private static float[] random(Random rnd, int size, float scale) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return x;
    }
}
