package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.gemm.GemvMicroKernel;
import org.caffe4j.kernels.gemm.PackedWeights;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * The Vector API GEMV kernel: one vector holds the MR = 8 rows of an A panel at one k (in its low lanes), so the
 * packed weights are read sequentially and each weight vector is multiplied by one broadcast activation per row. With
 * 8-float vectors the arithmetic is a small fraction of what streaming the weights from memory costs.
 *
 * <p>Each output has one running sum (the SGEMM's order, see {@link GemvMicroKernel}); to keep enough FMA chains
 * in flight, one activation row runs four panels at a time and two to four rows two panels. The ReLU pass is scalar ({@link GemvMicroKernel#relu}): it runs once per
 * 8 outputs per K-long loop, and keeping vectors out of helper methods avoids C2 boxing them. Loaded only through
 * {@link Simd}. The one- to four-row methods repeat one another on purpose: their accumulators must be named locals
 * for C2 to keep them in registers, and four short variants do not need the SGEMM tiles' generator.
 */
final class GemvVectorKernel implements GemvMicroKernel {
    /**
     * The other kernels' species, also where it is wider than a panel's MR rows (AVX-512): only the low MR lanes
     * then count. A second vector class in the JVM (an 8-float species on AVX-512) made JDK 17's C2 compile the
     * other kernels' calls into the Vector API's shared methods as calls to its allocating Java fallback
     * (ResNet-50 after its fc1000 had run: 2.2 GB/s of garbage in steady state, its stride-2 max pool 0.9 ms
     * against 0.25 ms, the net 47-54 against 37-44 ms). Loads read LANES floats where the panel row has MR, so the
     * packed weights carry {@link PackedWeights#TAIL_FLOATS} of slack; bias and output go through a small
     * scratch.
     */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    private static final int MR = SgemmMicroKernel.MR;
    /** Most accumulators a method keeps: four rows of two panels. */
    private static final int MAX_SUMS = 8;
    /** Per thread: the accumulators' lanes on their way to the outputs ({@link #finish}). */
    private static final ThreadLocal<float[]> LANE_SCRATCH = ThreadLocal.withInitial(() -> new float[MAX_SUMS * LANES]);

    GemvVectorKernel() {
        if (LANES < MR || LANES - MR > PackedWeights.TAIL_FLOATS) {
            // Without native 8-float vectors the Vector API would emulate them, slower than the scalar twin.
            throw new IllegalStateException("GEMV kernel needs native vectors of " + MR + " to "
                    + (MR + PackedWeights.TAIL_FLOATS) + " floats, not " + LANES);
        }
    }

    @Override
    public void panels(int kc, float[] a, int aOff, int panelStride, int panels, float[] x, int xOff, int rows,
                       float[] out, int outOff, int ldo, boolean accumulate, float[] bias, int biasOff, boolean relu,
                       float slope) {
        if (rows < 1 || rows > ROWS_MAX) {
            throw new IllegalArgumentException("rows must be 1 to " + ROWS_MAX + ": " + rows);
        }
        int step = rows == 1 ? 4 : 2;
        int q = 0;
        for (; q + step <= panels; q += step) {
            int at = aOff + q * panelStride;
            int o = outOff + q * MR;
            int b = biasOff + q * MR;
            switch (rows) {
                case 1 -> oneRowFourPanels(kc, a, at, panelStride, x, xOff, out, o, accumulate, bias, b);
                case 2 -> twoRowsTwoPanels(kc, a, at, panelStride, x, xOff, out, o, ldo, accumulate, bias, b);
                case 3 -> threeRowsTwoPanels(kc, a, at, panelStride, x, xOff, out, o, ldo, accumulate, bias, b);
                default -> fourRowsTwoPanels(kc, a, at, panelStride, x, xOff, out, o, ldo, accumulate, bias, b);
            }
        }
        for (; q < panels; q++) {
            int at = aOff + q * panelStride;
            int o = outOff + q * MR;
            int b = biasOff + q * MR;
            switch (rows) {
                case 3 -> threeRows(kc, a, at, x, xOff, out, o, ldo, accumulate, bias, b);
                case 4 -> fourRows(kc, a, at, x, xOff, out, o, ldo, accumulate, bias, b);
                default -> {
                    for (int i = 0; i < rows; i++) {
                        oneRowOnePanel(kc, a, at, x, xOff + i, rows, out, o + i * ldo, accumulate, bias, b);
                    }
                }
            }
        }
        if (relu) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0, at = outOff + i * ldo; j < panels * MR; j++) {
                    out[at + j] = GemvMicroKernel.relu(out[at + j], slope);
                }
            }
        }
    }

    /**
     * The outputs of a rows x panels tile, each accumulator's low MR lanes having been stored to {@code sums} (row r,
     * panel p at (r * panels + p) * LANES): out = sum + the start value (what out holds when accumulating, else the
     * bias or zero), the same float additions as a vector add. A helper that takes or returns a vector was left out
     * of line by JDK 17's C2 behind long K loops and boxed it on every call (AlexNet's fc layers: ~36 MB/s of
     * garbage in steady state).
     */
    private static void finish(float[] sums, int rows, int panels, float[] out, int outOff, int ldo,
                               boolean accumulate, float[] bias, int biasOff) {
        for (int r = 0; r < rows; r++) {
            for (int p = 0; p < panels; p++) {
                int sum = (r * panels + p) * LANES;
                int at = outOff + r * ldo + p * MR;
                for (int j = 0; j < MR; j++) {
                    float start = accumulate ? out[at + j] : bias == null ? 0f : bias[biasOff + p * MR + j];
                    out[at + j] = sums[sum + j] + start;
                }
            }
        }
    }

    /** One panel, one row whose value k is at x[xOff + k*xStride]. */
    private static void oneRowOnePanel(int kc, float[] a, int aOff, float[] x, int xOff, int xStride, float[] out,
                                       int outOff, boolean accumulate, float[] bias, int biasOff) {
        FloatVector s = FloatVector.zero(S);
        for (int k = 0, ak = aOff, xk = xOff; k < kc; k++, ak += MR, xk += xStride) {
            s = FloatVector.fromArray(S, a, ak).fma(FloatVector.broadcast(S, x[xk]), s);
        }
        float[] sums = LANE_SCRATCH.get();
        s.intoArray(sums, 0);
        finish(sums, 1, 1, out, outOff, 0, accumulate, bias, biasOff);
    }

    /** Four panels of one row: four independent chains, each panel read sequentially. */
    private static void oneRowFourPanels(int kc, float[] a, int aOff, int stride, float[] x, int xOff, float[] out,
                                         int outOff, boolean accumulate, float[] bias, int biasOff) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        for (int k = 0, ak = aOff, xk = xOff; k < kc; k++, ak += MR, xk++) {
            FloatVector xv = FloatVector.broadcast(S, x[xk]);
            s0 = FloatVector.fromArray(S, a, ak).fma(xv, s0);
            s1 = FloatVector.fromArray(S, a, ak + stride).fma(xv, s1);
            s2 = FloatVector.fromArray(S, a, ak + 2 * stride).fma(xv, s2);
            s3 = FloatVector.fromArray(S, a, ak + 3 * stride).fma(xv, s3);
        }
        float[] sums = LANE_SCRATCH.get();
        s0.intoArray(sums, 0);
        s1.intoArray(sums, 1 * LANES);
        s2.intoArray(sums, 2 * LANES);
        s3.intoArray(sums, 3 * LANES);
        finish(sums, 1, 4, out, outOff, 0, accumulate, bias, biasOff);
    }

    /** Two panels of two interleaved rows: four chains. */
    private static void twoRowsTwoPanels(int kc, float[] a, int aOff, int stride, float[] x, int xOff, float[] out,
                                         int outOff, int ldo, boolean accumulate, float[] bias, int biasOff) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
        for (int k = 0, ak = aOff, xk = xOff; k < kc; k++, ak += MR, xk += 2) {
            FloatVector w0 = FloatVector.fromArray(S, a, ak);
            FloatVector w1 = FloatVector.fromArray(S, a, ak + stride);
            FloatVector x0 = FloatVector.broadcast(S, x[xk]);
            FloatVector x1 = FloatVector.broadcast(S, x[xk + 1]);
            s00 = w0.fma(x0, s00);
            s01 = w1.fma(x0, s01);
            s10 = w0.fma(x1, s10);
            s11 = w1.fma(x1, s11);
        }
        float[] sums = LANE_SCRATCH.get();
        s00.intoArray(sums, 0);
        s01.intoArray(sums, 1 * LANES);
        s10.intoArray(sums, 2 * LANES);
        s11.intoArray(sums, 3 * LANES);
        finish(sums, 2, 2, out, outOff, ldo, accumulate, bias, biasOff);
    }

    /** Two panels of three interleaved rows: six chains. */
    private static void threeRowsTwoPanels(int kc, float[] a, int aOff, int stride, float[] x, int xOff, float[] out,
                                           int outOff, int ldo, boolean accumulate, float[] bias, int biasOff) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S);
        for (int k = 0, ak = aOff, xk = xOff; k < kc; k++, ak += MR, xk += 3) {
            FloatVector w0 = FloatVector.fromArray(S, a, ak);
            FloatVector w1 = FloatVector.fromArray(S, a, ak + stride);
            FloatVector x0 = FloatVector.broadcast(S, x[xk]);
            s00 = w0.fma(x0, s00);
            s01 = w1.fma(x0, s01);
            FloatVector x1 = FloatVector.broadcast(S, x[xk + 1]);
            s10 = w0.fma(x1, s10);
            s11 = w1.fma(x1, s11);
            FloatVector x2 = FloatVector.broadcast(S, x[xk + 2]);
            s20 = w0.fma(x2, s20);
            s21 = w1.fma(x2, s21);
        }
        float[] sums = LANE_SCRATCH.get();
        s00.intoArray(sums, 0);
        s01.intoArray(sums, 1 * LANES);
        s10.intoArray(sums, 2 * LANES);
        s11.intoArray(sums, 3 * LANES);
        s20.intoArray(sums, 4 * LANES);
        s21.intoArray(sums, 5 * LANES);
        finish(sums, 3, 2, out, outOff, ldo, accumulate, bias, biasOff);
    }

    /** Two panels of four interleaved rows: eight chains. */
    private static void fourRowsTwoPanels(int kc, float[] a, int aOff, int stride, float[] x, int xOff, float[] out,
                                          int outOff, int ldo, boolean accumulate, float[] bias, int biasOff) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S);
        for (int k = 0, ak = aOff, xk = xOff; k < kc; k++, ak += MR, xk += 4) {
            FloatVector w0 = FloatVector.fromArray(S, a, ak);
            FloatVector w1 = FloatVector.fromArray(S, a, ak + stride);
            FloatVector x0 = FloatVector.broadcast(S, x[xk]);
            s00 = w0.fma(x0, s00);
            s01 = w1.fma(x0, s01);
            FloatVector x1 = FloatVector.broadcast(S, x[xk + 1]);
            s10 = w0.fma(x1, s10);
            s11 = w1.fma(x1, s11);
            FloatVector x2 = FloatVector.broadcast(S, x[xk + 2]);
            s20 = w0.fma(x2, s20);
            s21 = w1.fma(x2, s21);
            FloatVector x3 = FloatVector.broadcast(S, x[xk + 3]);
            s30 = w0.fma(x3, s30);
            s31 = w1.fma(x3, s31);
        }
        float[] sums = LANE_SCRATCH.get();
        s00.intoArray(sums, 0);
        s01.intoArray(sums, 1 * LANES);
        s10.intoArray(sums, 2 * LANES);
        s11.intoArray(sums, 3 * LANES);
        s20.intoArray(sums, 4 * LANES);
        s21.intoArray(sums, 5 * LANES);
        s30.intoArray(sums, 6 * LANES);
        s31.intoArray(sums, 7 * LANES);
        finish(sums, 4, 2, out, outOff, ldo, accumulate, bias, biasOff);
    }

    /** One panel of three interleaved rows. */
    private static void threeRows(int kc, float[] a, int aOff, float[] x, int xOff, float[] out, int outOff, int ldo,
                                  boolean accumulate, float[] bias, int biasOff) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S);
        for (int k = 0, ak = aOff, xk = xOff; k < kc; k++, ak += MR, xk += 3) {
            FloatVector w = FloatVector.fromArray(S, a, ak);
            s0 = w.fma(FloatVector.broadcast(S, x[xk]), s0);
            s1 = w.fma(FloatVector.broadcast(S, x[xk + 1]), s1);
            s2 = w.fma(FloatVector.broadcast(S, x[xk + 2]), s2);
        }
        float[] sums = LANE_SCRATCH.get();
        s0.intoArray(sums, 0);
        s1.intoArray(sums, 1 * LANES);
        s2.intoArray(sums, 2 * LANES);
        finish(sums, 3, 1, out, outOff, ldo, accumulate, bias, biasOff);
    }

    /** One panel of four interleaved rows, each weight vector loaded once for all of them. */
    private static void fourRows(int kc, float[] a, int aOff, float[] x, int xOff, float[] out, int outOff, int ldo,
                                 boolean accumulate, float[] bias, int biasOff) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        for (int k = 0, ak = aOff, xk = xOff; k < kc; k++, ak += MR, xk += 4) {
            FloatVector w = FloatVector.fromArray(S, a, ak);
            s0 = w.fma(FloatVector.broadcast(S, x[xk]), s0);
            s1 = w.fma(FloatVector.broadcast(S, x[xk + 1]), s1);
            s2 = w.fma(FloatVector.broadcast(S, x[xk + 2]), s2);
            s3 = w.fma(FloatVector.broadcast(S, x[xk + 3]), s3);
        }
        float[] sums = LANE_SCRATCH.get();
        s0.intoArray(sums, 0);
        s1.intoArray(sums, 1 * LANES);
        s2.intoArray(sums, 2 * LANES);
        s3.intoArray(sums, 3 * LANES);
        finish(sums, 4, 1, out, outOff, ldo, accumulate, bias, biasOff);
    }
}
