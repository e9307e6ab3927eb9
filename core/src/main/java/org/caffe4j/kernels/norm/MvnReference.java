package org.caffe4j.kernels.norm;

/**
 * mvn_layer.cpp on one run of values (an image when across channels, one channel of an image otherwise):
 * y = x - mean, then, with normalize_variance, y / (sqrt(E[(x - mean)^2]) + eps). Caffe adds eps to the standard
 * deviation, not to the variance. Sums are taken in double.
 */
public final class MvnReference {
    private MvnReference() {
    }

    /** One run of {@code dim} values; {@code in} and {@code out} may be the same array at the same offset. */
    public static void forward(float[] in, int inOff, float[] out, int outOff, int dim, boolean normalizeVariance,
                               float eps) {
        double sum = 0;
        for (int i = 0; i < dim; i++) {
            sum += in[inOff + i];
        }
        float mean = (float) (sum / dim);
        for (int i = 0; i < dim; i++) {
            out[outOff + i] = in[inOff + i] - mean;
        }
        if (normalizeVariance) {
            double squares = 0;
            for (int i = 0; i < dim; i++) {
                squares += (double) out[outOff + i] * out[outOff + i];
            }
            float std = (float) Math.sqrt((float) (squares / dim)) + eps;
            for (int i = 0; i < dim; i++) {
                out[outOff + i] /= std;
            }
        }
    }
}
