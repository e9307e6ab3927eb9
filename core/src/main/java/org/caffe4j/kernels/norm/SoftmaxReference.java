package org.caffe4j.kernels.norm;

/**
 * Softmax over the middle axis of an (outer x channels x inner) array, as Caffe's softmax_layer.cpp: subtract the
 * channel maximum, exponentiate, divide by the sum.
 */
public final class SoftmaxReference {
    private SoftmaxReference() {
    }

    public static void forward(float[] in, float[] out, int outer, int channels, int inner) {
        for (int o = 0; o < outer; o++) {
            int base = o * channels * inner;
            for (int i = 0; i < inner; i++) {
                float max = -Float.MAX_VALUE;
                for (int c = 0; c < channels; c++) {
                    max = Math.max(max, in[base + c * inner + i]);
                }
                float sum = 0;
                for (int c = 0; c < channels; c++) {
                    float e = (float) Math.exp(in[base + c * inner + i] - max);
                    out[base + c * inner + i] = e;
                    sum += e;
                }
                for (int c = 0; c < channels; c++) {
                    out[base + c * inner + i] /= sum;
                }
            }
        }
    }
}
