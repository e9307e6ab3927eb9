package org.caffe4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.conv.Conv2dKernel;
import org.caffe4j.kernels.conv.Conv2dPointwiseGemm;
import org.caffe4j.kernels.conv.ConvShape;
import org.caffe4j.kernels.gemm.MicroKernelPeak;
import org.caffe4j.kernels.simd.Simd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * caffe4j's 1x1 convolution kernel against ONNX Runtime's on a chain of 1x1 convolutions with ReLU (written by
 * pointwise_chain.py), alternating rounds in one process. NIN spends about 40% of a batch-1 pass in such layers,
 * and a whole-net profile cannot say whether a runtime's lead there comes from its kernel or from its layout: a
 * chain lets ONNX Runtime keep its blocked (NCHWc) layout between layers, as it does in NIN, while caffe4j runs
 * its layers exactly as in a pass. With one thread it also times caffe4j's GEMM micro-kernel on operands that stay
 * in L1, doing the chain's multiply-adds, in the same rounds: the speed caffe4j's 1x1 path could reach with no
 * packing and no cache misses, measured under the same machine load as the two runtimes.
 */
public final class PointwiseChainComparison {
    public static void main(String[] args) throws Exception {
        Map<String, String> a = OpenCvComparison.parse(args, List.of("onnx", "weights", "channels", "size", "depth"));
        String onnx = a.get("onnx");
        Path weights = Path.of(a.get("weights"));
        int channels = Integer.parseInt(a.get("channels"));
        int size = Integer.parseInt(a.get("size"));
        int depth = Integer.parseInt(a.get("depth"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "1"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "20"));
        int iterations = Integer.parseInt(a.getOrDefault("iterations", "5"));

        Conv2dKernel[] layers = readLayers(weights, channels, depth);
        ConvShape shape = new ConvShape(channels, size, size, channels, 1, 1, 1, 1, 0, 0, 1, 1, 1);
        float[] x = new float[channels * size * size];
        Random rnd = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat();
        }
        float[][] buffers = {new float[x.length], new float[x.length]};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(threads);
        so.setInterOpNumThreads(1);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        try (ThreadPoolParallel par = new ThreadPoolParallel(threads); OrtSession ort = env.createSession(onnx, so);
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[]{1, channels, size, size})) {
            float[] ours = runChain(layers, shape, x, buffers, par);
            float[] theirs = runOrt(ort, input);
            double maxDiff = 0, maxRef = 0;
            for (int i = 0; i < ours.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
                maxRef = Math.max(maxRef, Math.abs(theirs[i]));
            }
            System.out.printf("output check: max |caffe4j - ONNX Runtime| = %.3g (max |ONNX Runtime| = %.3g)%n",
                    maxDiff, maxRef);
            OpenCvComparison.requireSameOutput("ONNX Runtime", maxDiff, maxRef);

            MicroKernelPeak.InCacheTiles probeTiles = new MicroKernelPeak.InCacheTiles(Simd.sgemmKernel());
            double flop = 2.0 * channels * channels * size * size * depth;
            long probeCalls = Math.round(flop / probeTiles.flopsPerCall());
            boolean probe = threads == 1;

            double[] c4j = new double[rounds * iterations];
            double[] onnxRt = new double[rounds * iterations];
            double[] inL1 = new double[rounds * iterations];
            for (int r = -rounds / 4; r < rounds; r++) {
                for (int i = 0; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    runChain(layers, shape, x, buffers, par);
                    long t1 = System.nanoTime();
                    if (r >= 0) {
                        c4j[r * iterations + i] = t1 - t0;
                    }
                }
                OpenCvComparison.settle();
                for (int i = 0; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    runOrt(ort, input);
                    long t1 = System.nanoTime();
                    if (r >= 0) {
                        onnxRt[r * iterations + i] = t1 - t0;
                    }
                }
                OpenCvComparison.settle();
                for (int i = 0; probe && i < iterations; i++) {
                    long t0 = System.nanoTime();
                    probeTiles.run(probeCalls);
                    long t1 = System.nanoTime();
                    if (r >= 0) {
                        inL1[r * iterations + i] = t1 - t0;
                    }
                }
            }
            double ms = OpenCvComparison.median(c4j) / 1e6;
            double ortMs = OpenCvComparison.median(onnxRt) / 1e6;
            System.out.printf("%d x (%d -> %d 1x1 + ReLU) on %dx%d, %d thread(s), %d rounds of %d: "
                            + "caffe4j %.3f ms (%.1f GFLOP/s), ONNX Runtime %.3f ms (%.1f GFLOP/s), "
                            + "caffe4j/ONNX Runtime time ratio = %.2f%n",
                    depth, channels, channels, size, size, threads, rounds, iterations, ms, flop / ms / 1e6, ortMs,
                    flop / ortMs / 1e6, ms / ortMs);
            probeTiles.check();
            if (probe) {
                double probeMs = OpenCvComparison.median(inL1) / 1e6;
                System.out.printf("caffe4j micro-kernel in L1, same multiply-adds: %.3f ms (%.1f GFLOP/s)%n",
                        probeMs, flop / probeMs / 1e6);
            }
        }
    }

    private static Conv2dKernel[] readLayers(Path weights, int channels, int depth) throws IOException {
        FloatBuffer values = ByteBuffer.wrap(Files.readAllBytes(weights)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        long expected = (long) depth * (channels * channels + channels);
        if (values.remaining() != expected) {
            throw new IOException(weights + ": " + values.remaining() + " floats, expected " + expected
                    + " for " + depth + " layers of " + channels + " channels");
        }
        Conv2dKernel[] layers = new Conv2dKernel[depth];
        for (int i = 0; i < depth; i++) {
            float[] w = new float[channels * channels];
            float[] b = new float[channels];
            values.get(w);
            values.get(b);
            layers[i] = new Conv2dPointwiseGemm(w, b, channels, channels, 1, Activation.RELU, Simd.sgemmKernel());
        }
        return layers;
    }

    private static float[] runChain(Conv2dKernel[] layers, ConvShape shape, float[] x, float[][] buffers,
                                    Parallel par) {
        float[] in = x;
        for (int i = 0; i < layers.length; i++) {
            float[] out = buffers[i & 1];
            layers[i].forward(shape, 1, in, 0, out, 0, par);
            in = out;
        }
        return in;
    }

    private static float[] runOrt(OrtSession ort, OnnxTensor input) throws OrtException {
        try (OrtSession.Result result = ort.run(Map.of("x", input))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }
}
