package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.gemm.GemvMicroKernel;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * The scalar twin of {@link GemvVectorKernel}: the same even/odd running sums per output and the same output pass,
 * so results are bit-identical. Used when the Vector API is unavailable or disabled, and as a test oracle. The 8
 * rows of the panel are summed together (16 locals), so the panel is read sequentially once per activation row.
 */
public final class GemvScalarKernel implements GemvMicroKernel {
    private static final int MR = SgemmMicroKernel.MR;

    @Override
    public void panel(int kc, float[] a, int aOff, float[] x, int xOff, int rows, float[] out, int outOff, int ldo,
                      float[] bias, int biasOff, boolean relu, float slope) {
        for (int i = 0; i < rows; i++) {
            float e0 = 0f, e1 = 0f, e2 = 0f, e3 = 0f, e4 = 0f, e5 = 0f, e6 = 0f, e7 = 0f;
            float o0 = 0f, o1 = 0f, o2 = 0f, o3 = 0f, o4 = 0f, o5 = 0f, o6 = 0f, o7 = 0f;
            int k = 0;
            for (int ak = aOff, xk = xOff + i; k + 1 < kc; k += 2, ak += 2 * MR, xk += 2 * rows) {
                float xe = x[xk];
                float xo = x[xk + rows];
                e0 = Math.fma(a[ak], xe, e0);
                e1 = Math.fma(a[ak + 1], xe, e1);
                e2 = Math.fma(a[ak + 2], xe, e2);
                e3 = Math.fma(a[ak + 3], xe, e3);
                e4 = Math.fma(a[ak + 4], xe, e4);
                e5 = Math.fma(a[ak + 5], xe, e5);
                e6 = Math.fma(a[ak + 6], xe, e6);
                e7 = Math.fma(a[ak + 7], xe, e7);
                o0 = Math.fma(a[ak + MR], xo, o0);
                o1 = Math.fma(a[ak + MR + 1], xo, o1);
                o2 = Math.fma(a[ak + MR + 2], xo, o2);
                o3 = Math.fma(a[ak + MR + 3], xo, o3);
                o4 = Math.fma(a[ak + MR + 4], xo, o4);
                o5 = Math.fma(a[ak + MR + 5], xo, o5);
                o6 = Math.fma(a[ak + MR + 6], xo, o6);
                o7 = Math.fma(a[ak + MR + 7], xo, o7);
            }
            if (k < kc) {
                int ak = aOff + k * MR;
                float xe = x[xOff + i + k * rows];
                e0 = Math.fma(a[ak], xe, e0);
                e1 = Math.fma(a[ak + 1], xe, e1);
                e2 = Math.fma(a[ak + 2], xe, e2);
                e3 = Math.fma(a[ak + 3], xe, e3);
                e4 = Math.fma(a[ak + 4], xe, e4);
                e5 = Math.fma(a[ak + 5], xe, e5);
                e6 = Math.fma(a[ak + 6], xe, e6);
                e7 = Math.fma(a[ak + 7], xe, e7);
            }
            int at = outOff + i * ldo;
            out[at] = e0 + o0;
            out[at + 1] = e1 + o1;
            out[at + 2] = e2 + o2;
            out[at + 3] = e3 + o3;
            out[at + 4] = e4 + o4;
            out[at + 5] = e5 + o5;
            out[at + 6] = e6 + o6;
            out[at + 7] = e7 + o7;
            for (int r = 0; r < MR; r++) {
                GemvMicroKernel.finish(out, at + r, bias == null ? 0f : bias[biasOff + r], relu, slope);
            }
        }
    }
}
