package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.gemm.GemvMicroKernel;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * The Vector API GEMV kernel: one 8-float vector holds the MR = 8 rows of an A panel at one k, so the packed
 * weights are read strictly sequentially and each weight vector is multiplied by one broadcast activation per
 * row. With 8-float vectors the arithmetic is a small fraction of what streaming the weights from memory costs
 * (a 16-float kernel would need a shuffle per k to pair two k's with their activations).
 *
 * <p>Up to four interleaved activation rows are done together (an even and an odd running sum per row, see
 * {@link GemvMicroKernel}), so each weight vector is loaded once for all of them.
 * The output pass is scalar ({@link GemvMicroKernel#finish}): it runs once per 8 outputs per K-long loop, and
 * keeping vectors out of helper methods avoids C2 boxing them. Loaded only through {@link Simd}.
 */
final class GemvVectorKernel implements GemvMicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int MR = SgemmMicroKernel.MR;

    GemvVectorKernel() {
        if (S.length() != MR || FloatVector.SPECIES_PREFERRED.length() < MR) {
            // Without native 8-float vectors the Vector API would emulate them, slower than the scalar twin.
            throw new IllegalStateException("GEMV kernel needs native " + MR + "-float vectors");
        }
    }

    @Override
    public void panel(int kc, float[] a, int aOff, float[] x, int xOff, int rows, float[] out, int outOff, int ldo,
                      float[] bias, int biasOff, boolean relu, float slope) {
        switch (rows) {
            case 1 -> oneRow(kc, a, aOff, x, xOff, out, outOff);
            case 2 -> twoRows(kc, a, aOff, x, xOff, out, outOff, ldo);
            case 3 -> threeRows(kc, a, aOff, x, xOff, out, outOff, ldo);
            case 4 -> fourRows(kc, a, aOff, x, xOff, out, outOff, ldo);
            default -> throw new IllegalArgumentException("rows must be 1 to " + ROWS_MAX + ": " + rows);
        }
        for (int i = 0; i < rows; i++) {
            for (int r = 0; r < MR; r++) {
                GemvMicroKernel.finish(out, outOff + i * ldo + r, bias == null ? 0f : bias[biasOff + r], relu, slope);
            }
        }
    }

    /** Writes even + odd for one row. */
    private static void oneRow(int kc, float[] a, int aOff, float[] x, int xOff, float[] out, int outOff) {
        FloatVector even = FloatVector.zero(S);
        FloatVector odd = FloatVector.zero(S);
        int k = 0;
        for (int ak = aOff, xk = xOff; k + 1 < kc; k += 2, ak += 2 * MR, xk += 2) {
            even = FloatVector.fromArray(S, a, ak).fma(FloatVector.broadcast(S, x[xk]), even);
            odd = FloatVector.fromArray(S, a, ak + MR).fma(FloatVector.broadcast(S, x[xk + 1]), odd);
        }
        if (k < kc) {
            even = FloatVector.fromArray(S, a, aOff + k * MR).fma(FloatVector.broadcast(S, x[xOff + k]), even);
        }
        even.add(odd).intoArray(out, outOff);
    }

    /** Writes even + odd for two interleaved rows. */
    private static void twoRows(int kc, float[] a, int aOff, float[] x, int xOff, float[] out, int outOff, int ldo) {
        FloatVector e0 = FloatVector.zero(S), o0 = FloatVector.zero(S);
        FloatVector e1 = FloatVector.zero(S), o1 = FloatVector.zero(S);
        int k = 0;
        for (int ak = aOff, xk = xOff; k + 1 < kc; k += 2, ak += 2 * MR, xk += 4) {
            FloatVector we = FloatVector.fromArray(S, a, ak);
            FloatVector wo = FloatVector.fromArray(S, a, ak + MR);
            e0 = we.fma(FloatVector.broadcast(S, x[xk]), e0);
            e1 = we.fma(FloatVector.broadcast(S, x[xk + 1]), e1);
            o0 = wo.fma(FloatVector.broadcast(S, x[xk + 2]), o0);
            o1 = wo.fma(FloatVector.broadcast(S, x[xk + 3]), o1);
        }
        if (k < kc) {
            FloatVector we = FloatVector.fromArray(S, a, aOff + k * MR);
            int xk = xOff + k * 2;
            e0 = we.fma(FloatVector.broadcast(S, x[xk]), e0);
            e1 = we.fma(FloatVector.broadcast(S, x[xk + 1]), e1);
        }
        e0.add(o0).intoArray(out, outOff);
        e1.add(o1).intoArray(out, outOff + ldo);
    }

    /** Writes even + odd for three interleaved rows. */
    private static void threeRows(int kc, float[] a, int aOff, float[] x, int xOff, float[] out, int outOff,
                                  int ldo) {
        FloatVector e0 = FloatVector.zero(S), o0 = FloatVector.zero(S);
        FloatVector e1 = FloatVector.zero(S), o1 = FloatVector.zero(S);
        FloatVector e2 = FloatVector.zero(S), o2 = FloatVector.zero(S);
        int k = 0;
        for (int ak = aOff, xk = xOff; k + 1 < kc; k += 2, ak += 2 * MR, xk += 6) {
            FloatVector we = FloatVector.fromArray(S, a, ak);
            FloatVector wo = FloatVector.fromArray(S, a, ak + MR);
            e0 = we.fma(FloatVector.broadcast(S, x[xk]), e0);
            e1 = we.fma(FloatVector.broadcast(S, x[xk + 1]), e1);
            e2 = we.fma(FloatVector.broadcast(S, x[xk + 2]), e2);
            o0 = wo.fma(FloatVector.broadcast(S, x[xk + 3]), o0);
            o1 = wo.fma(FloatVector.broadcast(S, x[xk + 4]), o1);
            o2 = wo.fma(FloatVector.broadcast(S, x[xk + 5]), o2);
        }
        if (k < kc) {
            FloatVector we = FloatVector.fromArray(S, a, aOff + k * MR);
            int xk = xOff + k * 3;
            e0 = we.fma(FloatVector.broadcast(S, x[xk]), e0);
            e1 = we.fma(FloatVector.broadcast(S, x[xk + 1]), e1);
            e2 = we.fma(FloatVector.broadcast(S, x[xk + 2]), e2);
        }
        e0.add(o0).intoArray(out, outOff);
        e1.add(o1).intoArray(out, outOff + ldo);
        e2.add(o2).intoArray(out, outOff + 2 * ldo);
    }

    /** Writes even + odd for four interleaved rows, each weight vector loaded once for all of them. */
    private static void fourRows(int kc, float[] a, int aOff, float[] x, int xOff, float[] out, int outOff,
                                 int ldo) {
        FloatVector e0 = FloatVector.zero(S), o0 = FloatVector.zero(S);
        FloatVector e1 = FloatVector.zero(S), o1 = FloatVector.zero(S);
        FloatVector e2 = FloatVector.zero(S), o2 = FloatVector.zero(S);
        FloatVector e3 = FloatVector.zero(S), o3 = FloatVector.zero(S);
        int k = 0;
        for (int ak = aOff, xk = xOff; k + 1 < kc; k += 2, ak += 2 * MR, xk += 8) {
            FloatVector we = FloatVector.fromArray(S, a, ak);
            FloatVector wo = FloatVector.fromArray(S, a, ak + MR);
            e0 = we.fma(FloatVector.broadcast(S, x[xk]), e0);
            e1 = we.fma(FloatVector.broadcast(S, x[xk + 1]), e1);
            e2 = we.fma(FloatVector.broadcast(S, x[xk + 2]), e2);
            e3 = we.fma(FloatVector.broadcast(S, x[xk + 3]), e3);
            o0 = wo.fma(FloatVector.broadcast(S, x[xk + 4]), o0);
            o1 = wo.fma(FloatVector.broadcast(S, x[xk + 5]), o1);
            o2 = wo.fma(FloatVector.broadcast(S, x[xk + 6]), o2);
            o3 = wo.fma(FloatVector.broadcast(S, x[xk + 7]), o3);
        }
        if (k < kc) {
            FloatVector we = FloatVector.fromArray(S, a, aOff + k * MR);
            int xk = xOff + k * 4;
            e0 = we.fma(FloatVector.broadcast(S, x[xk]), e0);
            e1 = we.fma(FloatVector.broadcast(S, x[xk + 1]), e1);
            e2 = we.fma(FloatVector.broadcast(S, x[xk + 2]), e2);
            e3 = we.fma(FloatVector.broadcast(S, x[xk + 3]), e3);
        }
        e0.add(o0).intoArray(out, outOff);
        e1.add(o1).intoArray(out, outOff + ldo);
        e2.add(o2).intoArray(out, outOff + 2 * ldo);
        e3.add(o3).intoArray(out, outOff + 3 * ldo);
    }
}
