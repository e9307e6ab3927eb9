package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.conv.Conv2dPointwiseGemm;
import org.caffe4j.kernels.conv.ConvShape;
import org.caffe4j.kernels.dense.InnerProductPackedGemm;

/**
 * Run in a child JVM by {@link SimdTest}: prints whether SIMD is on, the result of a tiny convolution and a tiny
 * inner product (GEMV path), and which GEMV, LRN, depthwise and elementwise kernels {@link Simd} picked.
 */
public final class SimdProbe {
    private SimdProbe() {
    }

    public static void main(String[] args) {
        // out[o][p] = sum_i w[o][i] * in[i][p] with w = 1 everywhere and in[i][p] = i + p: 2 channels, 3 pixels.
        float[] w = {1, 1, 1, 1};
        float[] in = {0, 1, 2, 1, 2, 3};
        float[] out = new float[6];
        new Conv2dPointwiseGemm(w, null, 2, 2, 1, Activation.NONE, Simd.sgemmKernel())
                .forward(new ConvShape(2, 1, 3, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1), in, 0, out, 0, Parallel.SERIAL);
        StringBuilder sb = new StringBuilder("enabled=" + Simd.enabled() + " out=");
        for (float v : out) {
            sb.append((int) v).append(',');
        }
        // y[n] = relu(sum_k x[k] * W[n][k] + b[n]) with x = {1, 2, 3}: W rows {1,1,1} and {-1,0,0}, bias {0, -1}.
        float[] y = new float[2];
        new InnerProductPackedGemm(new float[] {1, 1, 1, -1, 0, 0}, new float[] {0, -1}, 2, 3, false,
                Activation.RELU, 1, Simd.sgemmKernel(), Simd.gemvKernel()).forward(new float[] {1, 2, 3}, 0, 1, y, 0, Parallel.SERIAL);
        sb.append(" ip=");
        for (float v : y) {
            sb.append((int) v).append(',');
        }
        sb.append(" gemv=").append(Simd.gemvKernel().getClass().getSimpleName())
                .append(" lrn=").append(Simd.lrnKernel().getClass().getSimpleName())
                .append(" depthwise=").append(Simd.depthwiseKernel().getClass().getSimpleName())
                .append(" elementwise=").append(Simd.elementwise() == org.caffe4j.kernels.act.ElementwiseKernels.SCALAR
                        ? "scalar" : "vector");
        System.out.println(sb);
    }
}
