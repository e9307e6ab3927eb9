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
 * in flight, one activation row runs four panels at a time and two to four rows two panels; on row blocks, strips of
 * 8 vectors, three at a time. The ReLU pass is scalar ({@link GemvMicroKernel#relu}): it runs once per 8 outputs per
 * K-long loop, and keeping vectors out of helper methods avoids C2 boxing them. Loaded only through {@link Simd}. The
 * one- to four-row methods, and the one- to three-strip ones, repeat one another on purpose: their accumulators must
 * be named locals for C2 to keep them in registers, and a few short variants do not need the SGEMM tiles' generator.
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
    /** Rows of a row-block strip: 8 vectors, the sums kept per memory stream. */
    private static final int STRIP = 8 * LANES;
    private static final int BR = PackedWeights.BLOCK_ROWS;
    private static final int STRIPS_PER_BLOCK = BR / STRIP;
    /** Whether three strips' 24 sums fit the registers beside the loads (32 registers: AVX-512). */
    private static final boolean THREE_STRIPS = LANES >= 16;
    /** Most accumulators a method keeps: four rows of two panels. */
    private static final int MAX_SUMS = 8;
    /** Per thread: the accumulators' lanes on their way to the outputs ({@link #finish}). */
    private static final ThreadLocal<float[]> LANE_SCRATCH = ThreadLocal.withInitial(() -> new float[MAX_SUMS * LANES]);

    GemvVectorKernel() {
        if (LANES < MR || LANES - MR > PackedWeights.TAIL_FLOATS || BR % STRIP != 0) {
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
     * Strips of 8 vectors (one block on AVX-512, half a block on AVX2), three at a time where the registers hold their
     * 24 sums beside the loads (32 vector registers).
     */
    @Override
    public void rowBlocks(float[] w, int wOff, int blockStride, int blocks, int[] ks, int from, int to, float[] x,
                          int xOff, float[] acc, int accOff) {
        int strips = blocks * STRIPS_PER_BLOCK;
        int t = 0;
        if (THREE_STRIPS) {
            for (; t + 3 <= strips; t += 3) {
                oneRowThreeStrips(w, stripAt(wOff, blockStride, t), stripAt(wOff, blockStride, t + 1),
                        stripAt(wOff, blockStride, t + 2), ks, from, to, x, xOff, acc, accOff + t * STRIP,
                        accOff + (t + 1) * STRIP, accOff + (t + 2) * STRIP);
            }
        }
        if (THREE_STRIPS && t + 2 <= strips) {
            oneRowTwoStrips(w, stripAt(wOff, blockStride, t), stripAt(wOff, blockStride, t + 1), ks, from, to, x,
                    xOff, acc, accOff + t * STRIP, accOff + (t + 1) * STRIP);
            t += 2;
        }
        for (; t < strips; t++) {
            oneRowOneStrip(w, stripAt(wOff, blockStride, t), ks, from, to, x, xOff, acc, accOff + t * STRIP);
        }
    }

    /**
     * Only where three blocks' sums fit the registers (AVX-512). With AVX2's 16 registers a strip is half a block, read
     * in strided sweeps, which ran AlexNet's fc layers slower than the panels, one half or both at a time
     * (bench/HISTORY.md, session 36). There {@link #rowBlocks} runs only in tests.
     */
    @Override
    public boolean prefersRowBlocks() {
        return THREE_STRIPS;
    }

    private static int stripAt(int wOff, int blockStride, int strip) {
        return wOff + (strip / STRIPS_PER_BLOCK) * blockStride + (strip % STRIPS_PER_BLOCK) * STRIP;
    }

    /**
     * Three strips of 8 vectors (three blocks on AVX-512): 24 chains, three memory streams. The sums start
     * from and end in {@code acc} (strip t at {@code s0}, {@code s1}, {@code s2}).
     */
    private static void oneRowThreeStrips(float[] w, int w0, int w1, int w2, int[] ks, int from, int to, float[] x,
                                          int xOff, float[] acc, int s0, int s1, int s2) {
        FloatVector a0 = FloatVector.fromArray(S, acc, s0);
        FloatVector a1 = FloatVector.fromArray(S, acc, s0 + 1 * LANES);
        FloatVector a2 = FloatVector.fromArray(S, acc, s0 + 2 * LANES);
        FloatVector a3 = FloatVector.fromArray(S, acc, s0 + 3 * LANES);
        FloatVector a4 = FloatVector.fromArray(S, acc, s0 + 4 * LANES);
        FloatVector a5 = FloatVector.fromArray(S, acc, s0 + 5 * LANES);
        FloatVector a6 = FloatVector.fromArray(S, acc, s0 + 6 * LANES);
        FloatVector a7 = FloatVector.fromArray(S, acc, s0 + 7 * LANES);
        FloatVector c0 = FloatVector.fromArray(S, acc, s1);
        FloatVector c1 = FloatVector.fromArray(S, acc, s1 + 1 * LANES);
        FloatVector c2 = FloatVector.fromArray(S, acc, s1 + 2 * LANES);
        FloatVector c3 = FloatVector.fromArray(S, acc, s1 + 3 * LANES);
        FloatVector c4 = FloatVector.fromArray(S, acc, s1 + 4 * LANES);
        FloatVector c5 = FloatVector.fromArray(S, acc, s1 + 5 * LANES);
        FloatVector c6 = FloatVector.fromArray(S, acc, s1 + 6 * LANES);
        FloatVector c7 = FloatVector.fromArray(S, acc, s1 + 7 * LANES);
        FloatVector d0 = FloatVector.fromArray(S, acc, s2);
        FloatVector d1 = FloatVector.fromArray(S, acc, s2 + 1 * LANES);
        FloatVector d2 = FloatVector.fromArray(S, acc, s2 + 2 * LANES);
        FloatVector d3 = FloatVector.fromArray(S, acc, s2 + 3 * LANES);
        FloatVector d4 = FloatVector.fromArray(S, acc, s2 + 4 * LANES);
        FloatVector d5 = FloatVector.fromArray(S, acc, s2 + 5 * LANES);
        FloatVector d6 = FloatVector.fromArray(S, acc, s2 + 6 * LANES);
        FloatVector d7 = FloatVector.fromArray(S, acc, s2 + 7 * LANES);
        for (int j = from; j < to; j++) {
            int k = ks[j];
            FloatVector xv = FloatVector.broadcast(S, x[xOff + k]);
            int o0 = w0 + k * BR, o1 = w1 + k * BR, o2 = w2 + k * BR;
            a0 = FloatVector.fromArray(S, w, o0).fma(xv, a0);
            c0 = FloatVector.fromArray(S, w, o1).fma(xv, c0);
            d0 = FloatVector.fromArray(S, w, o2).fma(xv, d0);
            a1 = FloatVector.fromArray(S, w, o0 + 1 * LANES).fma(xv, a1);
            c1 = FloatVector.fromArray(S, w, o1 + 1 * LANES).fma(xv, c1);
            d1 = FloatVector.fromArray(S, w, o2 + 1 * LANES).fma(xv, d1);
            a2 = FloatVector.fromArray(S, w, o0 + 2 * LANES).fma(xv, a2);
            c2 = FloatVector.fromArray(S, w, o1 + 2 * LANES).fma(xv, c2);
            d2 = FloatVector.fromArray(S, w, o2 + 2 * LANES).fma(xv, d2);
            a3 = FloatVector.fromArray(S, w, o0 + 3 * LANES).fma(xv, a3);
            c3 = FloatVector.fromArray(S, w, o1 + 3 * LANES).fma(xv, c3);
            d3 = FloatVector.fromArray(S, w, o2 + 3 * LANES).fma(xv, d3);
            a4 = FloatVector.fromArray(S, w, o0 + 4 * LANES).fma(xv, a4);
            c4 = FloatVector.fromArray(S, w, o1 + 4 * LANES).fma(xv, c4);
            d4 = FloatVector.fromArray(S, w, o2 + 4 * LANES).fma(xv, d4);
            a5 = FloatVector.fromArray(S, w, o0 + 5 * LANES).fma(xv, a5);
            c5 = FloatVector.fromArray(S, w, o1 + 5 * LANES).fma(xv, c5);
            d5 = FloatVector.fromArray(S, w, o2 + 5 * LANES).fma(xv, d5);
            a6 = FloatVector.fromArray(S, w, o0 + 6 * LANES).fma(xv, a6);
            c6 = FloatVector.fromArray(S, w, o1 + 6 * LANES).fma(xv, c6);
            d6 = FloatVector.fromArray(S, w, o2 + 6 * LANES).fma(xv, d6);
            a7 = FloatVector.fromArray(S, w, o0 + 7 * LANES).fma(xv, a7);
            c7 = FloatVector.fromArray(S, w, o1 + 7 * LANES).fma(xv, c7);
            d7 = FloatVector.fromArray(S, w, o2 + 7 * LANES).fma(xv, d7);
        }
        a0.intoArray(acc, s0);
        a1.intoArray(acc, s0 + 1 * LANES);
        a2.intoArray(acc, s0 + 2 * LANES);
        a3.intoArray(acc, s0 + 3 * LANES);
        a4.intoArray(acc, s0 + 4 * LANES);
        a5.intoArray(acc, s0 + 5 * LANES);
        a6.intoArray(acc, s0 + 6 * LANES);
        a7.intoArray(acc, s0 + 7 * LANES);
        c0.intoArray(acc, s1);
        c1.intoArray(acc, s1 + 1 * LANES);
        c2.intoArray(acc, s1 + 2 * LANES);
        c3.intoArray(acc, s1 + 3 * LANES);
        c4.intoArray(acc, s1 + 4 * LANES);
        c5.intoArray(acc, s1 + 5 * LANES);
        c6.intoArray(acc, s1 + 6 * LANES);
        c7.intoArray(acc, s1 + 7 * LANES);
        d0.intoArray(acc, s2);
        d1.intoArray(acc, s2 + 1 * LANES);
        d2.intoArray(acc, s2 + 2 * LANES);
        d3.intoArray(acc, s2 + 3 * LANES);
        d4.intoArray(acc, s2 + 4 * LANES);
        d5.intoArray(acc, s2 + 5 * LANES);
        d6.intoArray(acc, s2 + 6 * LANES);
        d7.intoArray(acc, s2 + 7 * LANES);
    }

    /** Two strips of 8 vectors: 16 chains, two memory streams. */
    private static void oneRowTwoStrips(float[] w, int w0, int w1, int[] ks, int from, int to, float[] x, int xOff,
                                        float[] acc, int s0, int s1) {
        FloatVector a0 = FloatVector.fromArray(S, acc, s0);
        FloatVector a1 = FloatVector.fromArray(S, acc, s0 + 1 * LANES);
        FloatVector a2 = FloatVector.fromArray(S, acc, s0 + 2 * LANES);
        FloatVector a3 = FloatVector.fromArray(S, acc, s0 + 3 * LANES);
        FloatVector a4 = FloatVector.fromArray(S, acc, s0 + 4 * LANES);
        FloatVector a5 = FloatVector.fromArray(S, acc, s0 + 5 * LANES);
        FloatVector a6 = FloatVector.fromArray(S, acc, s0 + 6 * LANES);
        FloatVector a7 = FloatVector.fromArray(S, acc, s0 + 7 * LANES);
        FloatVector c0 = FloatVector.fromArray(S, acc, s1);
        FloatVector c1 = FloatVector.fromArray(S, acc, s1 + 1 * LANES);
        FloatVector c2 = FloatVector.fromArray(S, acc, s1 + 2 * LANES);
        FloatVector c3 = FloatVector.fromArray(S, acc, s1 + 3 * LANES);
        FloatVector c4 = FloatVector.fromArray(S, acc, s1 + 4 * LANES);
        FloatVector c5 = FloatVector.fromArray(S, acc, s1 + 5 * LANES);
        FloatVector c6 = FloatVector.fromArray(S, acc, s1 + 6 * LANES);
        FloatVector c7 = FloatVector.fromArray(S, acc, s1 + 7 * LANES);
        for (int j = from; j < to; j++) {
            int k = ks[j];
            FloatVector xv = FloatVector.broadcast(S, x[xOff + k]);
            int o0 = w0 + k * BR, o1 = w1 + k * BR;
            a0 = FloatVector.fromArray(S, w, o0).fma(xv, a0);
            c0 = FloatVector.fromArray(S, w, o1).fma(xv, c0);
            a1 = FloatVector.fromArray(S, w, o0 + 1 * LANES).fma(xv, a1);
            c1 = FloatVector.fromArray(S, w, o1 + 1 * LANES).fma(xv, c1);
            a2 = FloatVector.fromArray(S, w, o0 + 2 * LANES).fma(xv, a2);
            c2 = FloatVector.fromArray(S, w, o1 + 2 * LANES).fma(xv, c2);
            a3 = FloatVector.fromArray(S, w, o0 + 3 * LANES).fma(xv, a3);
            c3 = FloatVector.fromArray(S, w, o1 + 3 * LANES).fma(xv, c3);
            a4 = FloatVector.fromArray(S, w, o0 + 4 * LANES).fma(xv, a4);
            c4 = FloatVector.fromArray(S, w, o1 + 4 * LANES).fma(xv, c4);
            a5 = FloatVector.fromArray(S, w, o0 + 5 * LANES).fma(xv, a5);
            c5 = FloatVector.fromArray(S, w, o1 + 5 * LANES).fma(xv, c5);
            a6 = FloatVector.fromArray(S, w, o0 + 6 * LANES).fma(xv, a6);
            c6 = FloatVector.fromArray(S, w, o1 + 6 * LANES).fma(xv, c6);
            a7 = FloatVector.fromArray(S, w, o0 + 7 * LANES).fma(xv, a7);
            c7 = FloatVector.fromArray(S, w, o1 + 7 * LANES).fma(xv, c7);
        }
        a0.intoArray(acc, s0);
        a1.intoArray(acc, s0 + 1 * LANES);
        a2.intoArray(acc, s0 + 2 * LANES);
        a3.intoArray(acc, s0 + 3 * LANES);
        a4.intoArray(acc, s0 + 4 * LANES);
        a5.intoArray(acc, s0 + 5 * LANES);
        a6.intoArray(acc, s0 + 6 * LANES);
        a7.intoArray(acc, s0 + 7 * LANES);
        c0.intoArray(acc, s1);
        c1.intoArray(acc, s1 + 1 * LANES);
        c2.intoArray(acc, s1 + 2 * LANES);
        c3.intoArray(acc, s1 + 3 * LANES);
        c4.intoArray(acc, s1 + 4 * LANES);
        c5.intoArray(acc, s1 + 5 * LANES);
        c6.intoArray(acc, s1 + 6 * LANES);
        c7.intoArray(acc, s1 + 7 * LANES);
    }

    /** One strip of 8 vectors: 8 chains. */
    private static void oneRowOneStrip(float[] w, int w0, int[] ks, int from, int to, float[] x, int xOff, float[] acc,
                                       int s0) {
        FloatVector a0 = FloatVector.fromArray(S, acc, s0);
        FloatVector a1 = FloatVector.fromArray(S, acc, s0 + 1 * LANES);
        FloatVector a2 = FloatVector.fromArray(S, acc, s0 + 2 * LANES);
        FloatVector a3 = FloatVector.fromArray(S, acc, s0 + 3 * LANES);
        FloatVector a4 = FloatVector.fromArray(S, acc, s0 + 4 * LANES);
        FloatVector a5 = FloatVector.fromArray(S, acc, s0 + 5 * LANES);
        FloatVector a6 = FloatVector.fromArray(S, acc, s0 + 6 * LANES);
        FloatVector a7 = FloatVector.fromArray(S, acc, s0 + 7 * LANES);
        for (int j = from; j < to; j++) {
            int k = ks[j];
            FloatVector xv = FloatVector.broadcast(S, x[xOff + k]);
            int o = w0 + k * BR;
            a0 = FloatVector.fromArray(S, w, o).fma(xv, a0);
            a1 = FloatVector.fromArray(S, w, o + 1 * LANES).fma(xv, a1);
            a2 = FloatVector.fromArray(S, w, o + 2 * LANES).fma(xv, a2);
            a3 = FloatVector.fromArray(S, w, o + 3 * LANES).fma(xv, a3);
            a4 = FloatVector.fromArray(S, w, o + 4 * LANES).fma(xv, a4);
            a5 = FloatVector.fromArray(S, w, o + 5 * LANES).fma(xv, a5);
            a6 = FloatVector.fromArray(S, w, o + 6 * LANES).fma(xv, a6);
            a7 = FloatVector.fromArray(S, w, o + 7 * LANES).fma(xv, a7);
        }
        a0.intoArray(acc, s0);
        a1.intoArray(acc, s0 + 1 * LANES);
        a2.intoArray(acc, s0 + 2 * LANES);
        a3.intoArray(acc, s0 + 3 * LANES);
        a4.intoArray(acc, s0 + 4 * LANES);
        a5.intoArray(acc, s0 + 5 * LANES);
        a6.intoArray(acc, s0 + 6 * LANES);
        a7.intoArray(acc, s0 + 7 * LANES);
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
