package org.caffe4j.kernels.reduce;

/**
 * reduction_layer.cpp: each of {@code num} runs of {@code dim} values becomes one value, the sum (SUM, MEAN), the
 * sum of absolute values (ASUM) or of squares (SUMSQ), times {@code coeff} (which for MEAN already includes 1/dim).
 * Sums are taken in double.
 */
public final class ReductionReference {
    public enum Operation { SUM, ASUM, SUMSQ, MEAN }

    private ReductionReference() {
    }

    public static void forward(float[] in, float[] out, int num, int dim, Operation op, float coeff) {
        for (int n = 0; n < num; n++) {
            int off = n * dim;
            double acc = 0;
            for (int i = 0; i < dim; i++) {
                float v = in[off + i];
                acc += switch (op) {
                    case SUM, MEAN -> v;
                    case ASUM -> Math.abs(v);
                    case SUMSQ -> (double) v * v;
                };
            }
            out[n] = (float) acc * coeff;
        }
    }
}
