package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * The scalar twin of {@link SgemmVectorKernel}: same tile shape, same packed operands and the same float-op
 * sequence per output (fma over k ascending from 0, then the start value, then ReLU), so its results are
 * bit-identical to the vector kernel's. Used when the Vector API is unavailable or disabled, and as a test oracle.
 * Outputs are done in blocks of 4 rows x 4 columns so the sixteen running sums stay in registers.
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
        // Blocks of 4 rows x 4 columns: 16 running sums, each load of A or B feeding four FMAs (2.2x the FMAs per
        // second of one row at a time under C1, which compiles a one-shot model's twins; 2x under C2).
        for (int r = 0; r < MR; r += 4) {
            for (int j = 0; j < width; j += 4) {
                float s00 = 0f, s01 = 0f, s02 = 0f, s03 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f;
                float s20 = 0f, s21 = 0f, s22 = 0f, s23 = 0f, s30 = 0f, s31 = 0f, s32 = 0f, s33 = 0f;
                for (int k = 0, ak = aOff + r, bk = bOff + j; k < kc; k++, ak += MR, bk += width) {
                    float b0 = b[bk], b1 = b[bk + 1], b2 = b[bk + 2], b3 = b[bk + 3];
                    float a0 = a[ak];
                    s00 = Math.fma(a0, b0, s00);
                    s01 = Math.fma(a0, b1, s01);
                    s02 = Math.fma(a0, b2, s02);
                    s03 = Math.fma(a0, b3, s03);
                    float a1 = a[ak + 1];
                    s10 = Math.fma(a1, b0, s10);
                    s11 = Math.fma(a1, b1, s11);
                    s12 = Math.fma(a1, b2, s12);
                    s13 = Math.fma(a1, b3, s13);
                    float a2 = a[ak + 2];
                    s20 = Math.fma(a2, b0, s20);
                    s21 = Math.fma(a2, b1, s21);
                    s22 = Math.fma(a2, b2, s22);
                    s23 = Math.fma(a2, b3, s23);
                    float a3 = a[ak + 3];
                    s30 = Math.fma(a3, b0, s30);
                    s31 = Math.fma(a3, b1, s31);
                    s32 = Math.fma(a3, b2, s32);
                    s33 = Math.fma(a3, b3, s33);
                }
                store(c, cOff + r * ldc + j, s00, s01, s02, s03, accumulate, start(bias, biasOff + r), relu, slope);
                store(c, cOff + (r + 1) * ldc + j, s10, s11, s12, s13, accumulate, start(bias, biasOff + r + 1), relu,
                        slope);
                store(c, cOff + (r + 2) * ldc + j, s20, s21, s22, s23, accumulate, start(bias, biasOff + r + 2), relu,
                        slope);
                store(c, cOff + (r + 3) * ldc + j, s30, s31, s32, s33, accumulate, start(bias, biasOff + r + 3), relu,
                        slope);
            }
        }
    }

    private static float start(float[] bias, int at) {
        return bias == null ? 0f : bias[at];
    }

    private static void store(float[] c, int at, float s0, float s1, float s2, float s3, boolean accumulate,
                              float start, boolean relu, float slope) {
        c[at] = finish(s0, c, at, accumulate, start, relu, slope);
        c[at + 1] = finish(s1, c, at + 1, accumulate, start, relu, slope);
        c[at + 2] = finish(s2, c, at + 2, accumulate, start, relu, slope);
        c[at + 3] = finish(s3, c, at + 3, accumulate, start, relu, slope);
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
