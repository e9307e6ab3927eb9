package org.caffe4j.kernels.norm;

import org.caffe4j.kernels.pool.Pool2dReference;

/** lrn_layer.cpp for one image of C x H x W. */
public final class LrnReference {
    private LrnReference() {
    }

    /**
     * ACROSS_CHANNELS: out = x * (k + alpha/size * sum of x^2 over channels [c - (size-1)/2, c + (size-1)/2])^-beta,
     * channels outside [0, C) counting as zero.
     */
    public static void acrossChannels(float[] in, int inOff, float[] out, int outOff, int channels, int plane,
                                      int size, float alpha, float beta, float k) {
        int half = (size - 1) / 2;
        float alphaOverSize = alpha / size;
        for (int c = 0; c < channels; c++) {
            int c0 = Math.max(0, c - half), c1 = Math.min(channels - 1, c + half);
            for (int p = 0; p < plane; p++) {
                double sum = 0;
                for (int cc = c0; cc <= c1; cc++) {
                    double v = in[inOff + cc * plane + p];
                    sum += v * v;
                }
                float scale = k + alphaOverSize * (float) sum;
                int i = c * plane + p;
                out[outOff + i] = (float) Math.pow(scale, -beta) * in[inOff + i];
            }
        }
    }

    /**
     * WITHIN_CHANNEL, built as Caffe builds it: average-pool x^2 over size x size windows (stride 1, pad
     * (size-1)/2, Caffe's AVE divisor), then out = x * (1 + alpha * avg)^-beta. Caffe does not use k here.
     *
     * @param scratch at least h * w floats, for one squared plane
     */
    public static void withinChannel(float[] in, int inOff, float[] out, int outOff, int channels, int h, int w,
                                     int size, float alpha, float beta, float[] scratch, float[] pooled) {
        int pad = (size - 1) / 2, plane = h * w;
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            for (int p = 0; p < plane; p++) {
                float v = in[inOff + base + p];
                scratch[p] = v * v;
            }
            Pool2dReference.average(scratch, 0, pooled, 0, 1, h, w, h, w, size, size, 1, 1, pad, pad);
            for (int p = 0; p < plane; p++) {
                // Caffe's Power layer: (shift + scale * x)^power with shift 1, scale alpha, power -beta.
                float scale = 1f + alpha * pooled[p];
                out[outOff + base + p] = in[inOff + base + p] * (float) Math.pow(scale, -beta);
            }
        }
    }
}
