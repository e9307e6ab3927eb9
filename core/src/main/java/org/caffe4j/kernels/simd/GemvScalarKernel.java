package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.gemm.GemvMicroKernel;
import org.caffe4j.kernels.gemm.PackedWeights;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * The scalar twin of {@link GemvVectorKernel}: one running sum per output, the same start value and ReLU, so
 * results are bit-identical. Used when the Vector API is unavailable or disabled, and as a test oracle. The 8 rows
 * of a panel are summed together (8 independent chains), so each panel is read sequentially once per activation
 * row.
 */
public final class GemvScalarKernel implements GemvMicroKernel {
    private static final int MR = SgemmMicroKernel.MR;
    private static final int BR = PackedWeights.BLOCK_ROWS;
    /** Listed k per run of {@link #rowBlocks}: 256 k rows of a block are 128 KB. */
    private static final int RUN = 256;

    @Override
    public void panels(int kc, float[] a, int aOff, int panelStride, int panels, float[] x, int xOff, int rows,
                       float[] out, int outOff, int ldo, boolean accumulate, float[] bias, int biasOff, boolean relu,
                       float slope) {
        if (rows < 1 || rows > ROWS_MAX) {
            throw new IllegalArgumentException("rows must be 1 to " + ROWS_MAX + ": " + rows);
        }
        for (int q = 0; q < panels; q++) {
            int panel = aOff + q * panelStride;
            for (int i = 0; i < rows; i++) {
                float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
                for (int k = 0, ak = panel, xk = xOff + i; k < kc; k++, ak += MR, xk += rows) {
                    float xv = x[xk];
                    s0 = Math.fma(a[ak], xv, s0);
                    s1 = Math.fma(a[ak + 1], xv, s1);
                    s2 = Math.fma(a[ak + 2], xv, s2);
                    s3 = Math.fma(a[ak + 3], xv, s3);
                    s4 = Math.fma(a[ak + 4], xv, s4);
                    s5 = Math.fma(a[ak + 5], xv, s5);
                    s6 = Math.fma(a[ak + 6], xv, s6);
                    s7 = Math.fma(a[ak + 7], xv, s7);
                }
                int at = outOff + i * ldo + q * MR;
                int b = biasOff + q * MR;
                out[at] = finish(s0, out, at, accumulate, bias, b, relu, slope);
                out[at + 1] = finish(s1, out, at + 1, accumulate, bias, b + 1, relu, slope);
                out[at + 2] = finish(s2, out, at + 2, accumulate, bias, b + 2, relu, slope);
                out[at + 3] = finish(s3, out, at + 3, accumulate, bias, b + 3, relu, slope);
                out[at + 4] = finish(s4, out, at + 4, accumulate, bias, b + 4, relu, slope);
                out[at + 5] = finish(s5, out, at + 5, accumulate, bias, b + 5, relu, slope);
                out[at + 6] = finish(s6, out, at + 6, accumulate, bias, b + 6, relu, slope);
                out[at + 7] = finish(s7, out, at + 7, accumulate, bias, b + 7, relu, slope);
            }
        }
    }

    /**
     * Eight rows at a time in locals (8 independent chains), over runs of {@link #RUN} listed k so that the run of the
     * block the 16 groups of rows take turns reading (at most 128 KB) stays in L2. Every value takes the float steps
     * of {@link GemvMicroKernel#rowBlocks}: a sum parked in {@code acc} between runs is stored exactly. Slower than
     * {@link #panels} on the same layer (see {@link #prefersRowBlocks}): this is the vector kernel's test oracle.
     */
    @Override
    public void rowBlocks(float[] w, int wOff, int blockStride, int blocks, int[] ks, int from, int to, float[] x,
                          int xOff, float[] acc, int accOff) {
        for (int b = 0; b < blocks; b++) {
            int base = wOff + b * blockStride;
            for (int j0 = from; j0 < to; j0 += RUN) {
                int j1 = Math.min(to, j0 + RUN);
                for (int r = 0; r < BR; r += MR) {
                    int at = accOff + b * BR + r;
                    float s0 = acc[at], s1 = acc[at + 1], s2 = acc[at + 2], s3 = acc[at + 3];
                    float s4 = acc[at + 4], s5 = acc[at + 5], s6 = acc[at + 6], s7 = acc[at + 7];
                    for (int j = j0; j < j1; j++) {
                        int k = ks[j];
                        float xv = x[xOff + k];
                        int o = base + k * BR + r;
                        s0 = Math.fma(w[o], xv, s0);
                        s1 = Math.fma(w[o + 1], xv, s1);
                        s2 = Math.fma(w[o + 2], xv, s2);
                        s3 = Math.fma(w[o + 3], xv, s3);
                        s4 = Math.fma(w[o + 4], xv, s4);
                        s5 = Math.fma(w[o + 5], xv, s5);
                        s6 = Math.fma(w[o + 6], xv, s6);
                        s7 = Math.fma(w[o + 7], xv, s7);
                    }
                    acc[at] = s0;
                    acc[at + 1] = s1;
                    acc[at + 2] = s2;
                    acc[at + 3] = s3;
                    acc[at + 4] = s4;
                    acc[at + 5] = s5;
                    acc[at + 6] = s6;
                    acc[at + 7] = s7;
                }
            }
        }
    }

    /**
     * No: scalar loads take a row block's k rows in strided sweeps whose gaps (the skipped k) the prefetchers do not
     * follow, slower than the panels in every loop order tried (bench/HISTORY.md, session 36).
     */
    @Override
    public boolean prefersRowBlocks() {
        return false;
    }

    private static float finish(float acc, float[] out, int at, boolean accumulate, float[] bias, int biasAt,
                                boolean relu, float slope) {
        float v = acc + (accumulate ? out[at] : bias == null ? 0f : bias[biasAt]);
        return relu ? GemvMicroKernel.relu(v, slope) : v;
    }
}
