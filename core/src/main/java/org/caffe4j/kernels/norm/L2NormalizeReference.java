package org.caffe4j.kernels.norm;

import java.util.Arrays;

/**
 * normalize_layer.cpp (SSD fork): each image's values divided by sqrt(sum x^2 + eps) over the image
 * ({@code acrossSpatial}) or by sqrt(eps + sum over channels of x^2) per position, then multiplied by the scale
 * (one value, or one per channel). May run in place.
 */
public final class L2NormalizeReference {
    private L2NormalizeReference() {
    }

    public static void forward(float[] in, float[] out, int num, int channels, int spatial, boolean acrossSpatial,
                               float eps, float[] scale, boolean channelShared) {
        int dim = channels * spatial;
        float[] norm = new float[spatial];
        for (int n = 0; n < num; n++) {
            int base = n * dim;
            if (acrossSpatial) {
                double sum = 0;
                for (int i = 0; i < dim; i++) {
                    float v = in[base + i];
                    sum += v * v;
                }
                float inverse = (float) (1.0 / (float) Math.sqrt((float) sum + eps));
                for (int i = 0; i < dim; i++) {
                    out[base + i] = in[base + i] * inverse;
                }
            } else {
                Arrays.fill(norm, eps);
                for (int c = 0; c < channels; c++) {
                    for (int s = 0; s < spatial; s++) {
                        float v = in[base + c * spatial + s];
                        norm[s] += v * v;
                    }
                }
                for (int s = 0; s < spatial; s++) {
                    norm[s] = (float) Math.sqrt(norm[s]);
                }
                for (int c = 0; c < channels; c++) {
                    for (int s = 0; s < spatial; s++) {
                        out[base + c * spatial + s] = in[base + c * spatial + s] / norm[s];
                    }
                }
            }
            for (int c = 0; c < channels; c++) {
                float sc = scale[channelShared ? 0 : c];
                for (int s = 0; s < spatial; s++) {
                    out[base + c * spatial + s] *= sc;
                }
            }
        }
    }
}
