package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * The scalar twin of {@link SgemmVectorKernel}: same tile shape, same packed operands and the same float-op
 * sequence per output (fma over k ascending from 0, then the start value, then ReLU), so its results are
 * bit-identical to the vector kernel's. Used when the Vector API is unavailable or disabled, and as a test oracle.
 * Columns are done four at a time so the four running sums stay in registers.
 */
public final class SgemmScalarKernel implements SgemmMicroKernel {
    private final int nr;
    private final boolean halfTilePays;

    /** @param nr full-tile width; a multiple of 8 so that the half tile is a multiple of 4 */
    public SgemmScalarKernel(int nr) {
        this(nr, true);
    }

    /**
     * @param nr           full-tile width; a multiple of 8 so that the half tile is a multiple of 4
     * @param halfTilePays what {@link #halfTilePays()} answers: the vector kernel's answer, so that the twin takes
     *                     the same tiles
     */
    public SgemmScalarKernel(int nr, boolean halfTilePays) {
        if (nr <= 0 || nr % 8 != 0) {
            throw new IllegalArgumentException("tile width must be a positive multiple of 8: " + nr);
        }
        this.nr = nr;
        this.halfTilePays = halfTilePays;
    }

    @Override
    public boolean halfTilePays() {
        return halfTilePays;
    }

    @Override
    public int nr() {
        return nr;
    }

    @Override
    public void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                     boolean accumulate, float[] bias, int biasOff, boolean relu, float slope) {
        compute(nr, kc, a, aOff, b, bOff, c, cOff, ldc, accumulate, bias, biasOff, relu, slope);
    }

    @Override
    public void halfTile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                         boolean accumulate, float[] bias, int biasOff, boolean relu, float slope) {
        compute(nr / 2, kc, a, aOff, b, bOff, c, cOff, ldc, accumulate, bias, biasOff, relu, slope);
    }

    private static void compute(int width, int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                int ldc, boolean accumulate, float[] bias, int biasOff, boolean relu, float slope) {
        for (int r = 0; r < MR; r++) {
            float start = bias == null ? 0f : bias[biasOff + r];
            int row = cOff + r * ldc;
            for (int j = 0; j < width; j += 4) {
                float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
                for (int k = 0, ak = aOff + r, bk = bOff + j; k < kc; k++, ak += MR, bk += width) {
                    float av = a[ak];
                    s0 = Math.fma(av, b[bk], s0);
                    s1 = Math.fma(av, b[bk + 1], s1);
                    s2 = Math.fma(av, b[bk + 2], s2);
                    s3 = Math.fma(av, b[bk + 3], s3);
                }
                c[row + j] = finish(s0, c, row + j, accumulate, start, relu, slope);
                c[row + j + 1] = finish(s1, c, row + j + 1, accumulate, start, relu, slope);
                c[row + j + 2] = finish(s2, c, row + j + 2, accumulate, start, relu, slope);
                c[row + j + 3] = finish(s3, c, row + j + 3, accumulate, start, relu, slope);
            }
        }
    }

    private static float finish(float acc, float[] c, int off, boolean accumulate, float start, boolean relu,
                                float slope) {
        float v = acc + (accumulate ? c[off] : start);
        if (!relu) {
            return v;
        }
        return slope == 0f ? Math.max(v, 0f) : v > 0f ? v : v * slope;
    }
}
