package org.caffe4j.kernels.dense;

/**
 * Caffe's InnerProduct: out[m][n] = bias[n] + sum_k in[m][k] * W[n][k] (or W[k][n] when transposed).
 */
public final class InnerProductReference {
    private InnerProductReference() {
    }

    public static void forward(float[] in, float[] weights, float[] bias, float[] out, int m, int n, int k,
                               boolean transpose) {
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < n; c++) {
                double acc = bias == null ? 0 : bias[c];
                for (int i = 0; i < k; i++) {
                    float w = transpose ? weights[i * n + c] : weights[c * k + i];
                    acc += (double) in[r * k + i] * w;
                }
                out[r * n + c] = (float) acc;
            }
        }
    }
}
