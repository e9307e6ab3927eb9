package org.caffe4j.kernels.norm;

/**
 * batch_norm_layer.cpp with {@code use_global_stats: false}: each channel is normalized by the mean and (biased)
 * variance of that channel over the whole batch and all spatial positions, computed from this very input.
 * Blob viewed as num x channels x spatial.
 */
public final class BatchNormReference {
    private BatchNormReference() {
    }

    /** Normalizes channel {@code c} of every example; {@code in} and {@code out} may be the same array. */
    public static void batchStatistics(float[] in, float[] out, int num, int channels, int spatial, int c, float eps) {
        double sum = 0;
        for (int n = 0; n < num; n++) {
            int off = (n * channels + c) * spatial;
            for (int i = 0; i < spatial; i++) {
                sum += in[off + i];
            }
        }
        float mean = (float) (sum / ((double) num * spatial));
        double sq = 0;
        for (int n = 0; n < num; n++) {
            int off = (n * channels + c) * spatial;
            for (int i = 0; i < spatial; i++) {
                // Caffe subtracts the mean first, then averages the squares (E[(x - mean)^2]).
                double d = in[off + i] - mean;
                sq += d * d;
            }
        }
        float var = (float) (sq / ((double) num * spatial));
        float std = (float) Math.sqrt(var + eps);
        for (int n = 0; n < num; n++) {
            int off = (n * channels + c) * spatial;
            for (int i = 0; i < spatial; i++) {
                out[off + i] = (in[off + i] - mean) / std;
            }
        }
    }
}
