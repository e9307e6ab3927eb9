package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.norm.LrnWindowKernel;

/**
 * The Vector API LRN passes, whole vectors over pixels with the scalar twin's loop for the tail. beta = 0.75 is done
 * with two vector square roots and a division (the models that use LRN all have it); any other beta computes the
 * scale vectors here and the power with the scalar Math.pow, as the twin does. Loaded only through {@link Simd}.
 */
final class LrnVectorKernel implements LrnWindowKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final LrnScalarKernel TAIL = new LrnScalarKernel();

    @Override
    public void slide(float[] sum, float[] in, int enteringOff, int leavingOff, int p0, int p1) {
        int end = p0 + S.loopBound(p1 - p0);
        int p = p0;
        if (enteringOff >= 0 && leavingOff >= 0) {
            for (; p < end; p += S.length()) {
                FloatVector a = FloatVector.fromArray(S, in, enteringOff + p);
                FloatVector b = FloatVector.fromArray(S, in, leavingOff + p);
                FloatVector.fromArray(S, sum, p).add(a.mul(a)).sub(b.mul(b)).intoArray(sum, p);
            }
        } else if (enteringOff >= 0) {
            for (; p < end; p += S.length()) {
                FloatVector a = FloatVector.fromArray(S, in, enteringOff + p);
                FloatVector.fromArray(S, sum, p).add(a.mul(a)).intoArray(sum, p);
            }
        } else if (leavingOff >= 0) {
            for (; p < end; p += S.length()) {
                FloatVector b = FloatVector.fromArray(S, in, leavingOff + p);
                FloatVector.fromArray(S, sum, p).sub(b.mul(b)).intoArray(sum, p);
            }
        }
        if (p < p1) {
            TAIL.slide(sum, in, enteringOff, leavingOff, p, p1);
        }
    }

    @Override
    public void normalize(float[] sum, float[] in, int inOff, float[] out, int outOff, int p0, int p1,
                          float alphaOverSize, float k, float beta) {
        int end = p0 + S.loopBound(p1 - p0);
        int p = p0;
        if (beta == 0.75f) {
            for (; p < end; p += S.length()) {
                FloatVector s = FloatVector.fromArray(S, sum, p).mul(alphaOverSize).add(k);
                FloatVector t = s.sqrt();
                FloatVector r = FloatVector.broadcast(S, 1f).div(t.mul(t.sqrt()));
                FloatVector.fromArray(S, in, inOff + p).mul(r).intoArray(out, outOff + p);
            }
        } else {
            for (; p < end; p += S.length()) {
                // k + alphaOverSize * sum in vectors into out, then the power and the product per element.
                FloatVector.fromArray(S, sum, p).mul(alphaOverSize).add(k).intoArray(out, outOff + p);
            }
            for (int q = p0; q < end; q++) {
                out[outOff + q] = in[inOff + q] * LrnWindowKernel.inversePower(out[outOff + q], beta);
            }
        }
        if (p < p1) {
            TAIL.normalize(sum, in, inOff, out, outOff, p, p1, alphaOverSize, k, beta);
        }
    }
}
