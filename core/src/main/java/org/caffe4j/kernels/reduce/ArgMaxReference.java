package org.caffe4j.kernels.reduce;

import java.util.Arrays;

/**
 * argmax_layer.cpp over a blob viewed as outer x dim x inner: for each (outer, inner) the top_k values along the
 * dim axis, largest first; equal values rank the larger index first (Caffe sorts (value, index) pairs with
 * std::greater). Indices are written as floats.
 */
public final class ArgMaxReference {
    private ArgMaxReference() {
    }

    /** The top_k (value, index) pairs of one line, best first: {@code order[j]} is the j-th index. */
    static int[] topK(float[] in, int off, int dim, int stride, int topK) {
        if (topK == 1) {
            // The common case without sorting: the largest value, the later index on ties (d >= best keeps it).
            int best = 0;
            for (int d = 1; d < dim; d++) {
                if (in[off + d * stride] >= in[off + best * stride]) {
                    best = d;
                }
            }
            return new int[]{best};
        }
        Integer[] idx = new Integer[dim];
        for (int d = 0; d < dim; d++) {
            idx[d] = d;
        }
        Arrays.sort(idx, (a, b) -> {
            int byValue = Float.compare(in[off + b * stride], in[off + a * stride]);
            return byValue != 0 ? byValue : Integer.compare(b, a);
        });
        int[] out = new int[topK];
        for (int j = 0; j < topK; j++) {
            out[j] = idx[j];
        }
        return out;
    }

    /**
     * With an axis: out has shape outer x topK x inner and holds the indices, or the values when {@code outMaxVal}.
     */
    public static void alongAxis(float[] in, float[] out, int outer, int dim, int inner, int topK, boolean outMaxVal) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int off = o * dim * inner + i;
                int[] best = topK(in, off, dim, inner, topK);
                for (int j = 0; j < topK; j++) {
                    out[(o * topK + j) * inner + i] = outMaxVal ? in[off + best[j] * inner] : best[j];
                }
            }
        }
    }

    /**
     * Without an axis, per example over all its {@code dim} values: out is num x (1 or 2) x topK, the indices, then
     * (when {@code outMaxVal}) the values.
     */
    public static void perExample(float[] in, float[] out, int num, int dim, int topK, boolean outMaxVal) {
        for (int n = 0; n < num; n++) {
            int[] best = topK(in, n * dim, dim, 1, topK);
            int base = n * (outMaxVal ? 2 : 1) * topK;
            for (int j = 0; j < topK; j++) {
                out[base + j] = best[j];
                if (outMaxVal) {
                    out[base + topK + j] = in[n * dim + best[j]];
                }
            }
        }
    }
}
