package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.conv.Conv2dPointwiseGemm;
import org.caffe4j.kernels.conv.ConvShape;

/** Run in a child JVM by {@link SimdTest}: prints whether SIMD is on and the result of a tiny convolution. */
public final class SimdProbe {
    private SimdProbe() {
    }

    public static void main(String[] args) {
        // out[o][p] = sum_i w[o][i] * in[i][p] with w = 1 everywhere and in[i][p] = i + p: 2 channels, 3 pixels.
        float[] w = {1, 1, 1, 1};
        float[] in = {0, 1, 2, 1, 2, 3};
        float[] out = new float[6];
        new Conv2dPointwiseGemm(w, null, 2, 2, 1, Activation.NONE)
                .forward(new ConvShape(2, 1, 3, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1), in, 0, out, 0, Parallel.SERIAL);
        StringBuilder sb = new StringBuilder("enabled=" + Simd.enabled() + " out=");
        for (float v : out) {
            sb.append((int) v).append(',');
        }
        System.out.println(sb);
    }
}
