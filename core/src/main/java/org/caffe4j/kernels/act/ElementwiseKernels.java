package org.caffe4j.kernels.act;

/**
 * The hottest elementwise layers, with one implementation per instruction set: {@link #SCALAR} (the reference
 * loops of {@link Activations}, {@link EltwiseReference} and {@link ChannelAffine}) and a Vector API twin chosen by
 * {@link org.caffe4j.kernels.simd.Simd#elementwise()}. Both do the same float operation per element in the same
 * order (no fused multiply-add), so they agree bit for bit; ranges and aliasing are as in the scalar methods.
 */
public interface ElementwiseKernels {
    /** {@link Activations#relu}. */
    void relu(float[] in, int inOff, float[] out, int outOff, int n, float negativeSlope);

    /** {@link EltwiseReference#sum}. */
    void sum(float[][] ins, float[] coeff, float[] out, int from, int n);

    /** {@link EltwiseReference#prod}. */
    void prod(float[][] ins, float[] out, int from, int n);

    /** {@link EltwiseReference#max}. */
    void max(float[][] ins, float[] out, int from, int n);

    /** {@link ChannelAffine#prelu}. */
    void prelu(float[] in, float[] out, int off, int inner, float slope);

    /** {@link ChannelAffine#normalize}. */
    void normalize(float[] in, float[] out, int off, int inner, float mean, float std);

    /** {@link ChannelAffine#scaleBias}. */
    void scaleBias(float[] in, float[] out, int off, int inner, float scale, boolean hasScale, float bias,
                   boolean hasBias);

    ElementwiseKernels SCALAR = new ElementwiseKernels() {
        @Override
        public void relu(float[] in, int inOff, float[] out, int outOff, int n, float negativeSlope) {
            Activations.relu(in, inOff, out, outOff, n, negativeSlope);
        }

        @Override
        public void sum(float[][] ins, float[] coeff, float[] out, int from, int n) {
            EltwiseReference.sum(ins, coeff, out, from, n);
        }

        @Override
        public void prod(float[][] ins, float[] out, int from, int n) {
            EltwiseReference.prod(ins, out, from, n);
        }

        @Override
        public void max(float[][] ins, float[] out, int from, int n) {
            EltwiseReference.max(ins, out, from, n);
        }

        @Override
        public void prelu(float[] in, float[] out, int off, int inner, float slope) {
            ChannelAffine.prelu(in, out, off, inner, slope);
        }

        @Override
        public void normalize(float[] in, float[] out, int off, int inner, float mean, float std) {
            ChannelAffine.normalize(in, out, off, inner, mean, std);
        }

        @Override
        public void scaleBias(float[] in, float[] out, int off, int inner, float scale, boolean hasScale, float bias,
                              boolean hasBias) {
            ChannelAffine.scaleBias(in, out, off, inner, scale, hasScale, bias, hasBias);
        }
    };
}
