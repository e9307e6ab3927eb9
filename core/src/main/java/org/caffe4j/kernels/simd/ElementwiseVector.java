package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.act.ElementwiseKernels;

/**
 * Vector API versions of {@link ElementwiseKernels}: whole vectors, then the scalar twin for the tail. Each element
 * gets the scalar code's operations (ReLU as a select on x &gt; 0, so NaN and -0 come out as in the scalar loop).
 * In-place calls are safe: every vector is loaded before the same positions are stored. Loaded only through
 * {@link Simd}.
 */
final class ElementwiseVector implements ElementwiseKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void relu(float[] in, int inOff, float[] out, int outOff, int n, float negativeSlope) {
        int end = S.loopBound(n);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        if (negativeSlope == 0f) {
            for (; i < end; i += L) {
                FloatVector v = FloatVector.fromArray(S, in, inOff + i);
                v.blend(zero, v.compare(VectorOperators.LT, 0f)).intoArray(out, outOff + i);
            }
        } else {
            for (; i < end; i += L) {
                FloatVector v = FloatVector.fromArray(S, in, inOff + i);
                v.blend(v.mul(negativeSlope), v.compare(VectorOperators.LT, 0f)).intoArray(out, outOff + i);
            }
        }
        SCALAR.relu(in, inOff + i, out, outOff + i, n - i, negativeSlope);
    }

    @Override
    public void sum(float[][] ins, float[] coeff, float[] out, int from, int n) {
        int end = from + S.loopBound(n);
        int i = from;
        if (ins.length == 2) {
            // ResNet's shortcut sums: the bottoms and coefficients as locals, no inner loop (JDK 17 kept the
            // accumulator of the general loop below in memory, 6x slower). The same operations in the same order.
            float[] a = ins[0], b = ins[1];
            float ca = coeff[0], cb = coeff[1];
            FloatVector zero = FloatVector.zero(S);
            for (; i < end; i += L) {
                zero.add(FloatVector.fromArray(S, a, i).mul(ca)).add(FloatVector.fromArray(S, b, i).mul(cb))
                        .intoArray(out, i);
            }
            SCALAR.sum(ins, coeff, out, i, from + n - i);
            return;
        }
        for (; i < end; i += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int b = 0; b < ins.length; b++) {
                acc = acc.add(FloatVector.fromArray(S, ins[b], i).mul(coeff[b]));
            }
            acc.intoArray(out, i);
        }
        SCALAR.sum(ins, coeff, out, i, from + n - i);
    }

    @Override
    public void prod(float[][] ins, float[] out, int from, int n) {
        int end = from + S.loopBound(n);
        int i = from;
        for (; i < end; i += L) {
            FloatVector acc = FloatVector.fromArray(S, ins[0], i).mul(FloatVector.fromArray(S, ins[1], i));
            for (int b = 2; b < ins.length; b++) {
                acc = acc.mul(FloatVector.fromArray(S, ins[b], i));
            }
            acc.intoArray(out, i);
        }
        SCALAR.prod(ins, out, i, from + n - i);
    }

    /** Caffe's selects, not lanewise MAX: a tie or a NaN in a0 takes a1, later inputs win only when greater. */
    @Override
    public void max(float[][] ins, float[] out, int from, int n) {
        int end = from + S.loopBound(n);
        int i = from;
        for (; i < end; i += L) {
            FloatVector a0 = FloatVector.fromArray(S, ins[0], i);
            FloatVector m = FloatVector.fromArray(S, ins[1], i);
            m = m.blend(a0, a0.compare(VectorOperators.GT, m));
            for (int b = 2; b < ins.length; b++) {
                FloatVector v = FloatVector.fromArray(S, ins[b], i);
                m = m.blend(v, v.compare(VectorOperators.GT, m));
            }
            m.intoArray(out, i);
        }
        SCALAR.max(ins, out, i, from + n - i);
    }

    /** Lanewise MAX and MIN are Math.max and Math.min, so NaN and -0 come out as in the scalar formula. */
    @Override
    public void prelu(float[] in, float[] out, int off, int inner, float slope) {
        int end = off + S.loopBound(inner);
        int i = off;
        for (; i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, in, i);
            v.max(0f).add(v.min(0f).mul(slope)).intoArray(out, i);
        }
        SCALAR.prelu(in, out, i, off + inner - i, slope);
    }

    @Override
    public void normalize(float[] in, float[] out, int off, int inner, float mean, float std) {
        int end = off + S.loopBound(inner);
        int i = off;
        for (; i < end; i += L) {
            FloatVector.fromArray(S, in, i).sub(mean).div(std).intoArray(out, i);
        }
        SCALAR.normalize(in, out, i, off + inner - i, mean, std);
    }

    @Override
    public void scaleBias(float[] in, float[] out, int off, int inner, float scale, boolean hasScale, float bias,
                          boolean hasBias) {
        int end = off + S.loopBound(inner);
        int i = off;
        if (hasScale && hasBias) {
            for (; i < end; i += L) {
                FloatVector.fromArray(S, in, i).mul(scale).add(bias).intoArray(out, i);
            }
        } else if (hasScale) {
            for (; i < end; i += L) {
                FloatVector.fromArray(S, in, i).mul(scale).intoArray(out, i);
            }
        } else if (hasBias) {
            for (; i < end; i += L) {
                FloatVector.fromArray(S, in, i).add(bias).intoArray(out, i);
            }
        }
        SCALAR.scaleBias(in, out, i, off + inner - i, scale, hasScale, bias, hasBias);
    }
}
