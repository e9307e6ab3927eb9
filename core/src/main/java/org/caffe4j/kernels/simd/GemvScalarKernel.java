package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.gemm.GemvMicroKernel;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * The scalar twin of {@link GemvVectorKernel}: one running sum per output, the same start value and ReLU, so
 * results are bit-identical. Used when the Vector API is unavailable or disabled, and as a test oracle. The 8 rows
 * of a panel are summed together (8 independent chains), so each panel is read sequentially once per activation
 * row.
 */
public final class GemvScalarKernel implements GemvMicroKernel {
    private static final int MR = SgemmMicroKernel.MR;

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

    private static float finish(float acc, float[] out, int at, boolean accumulate, float[] bias, int biasAt,
                                boolean relu, float slope) {
        float v = acc + (accumulate ? out[at] : bias == null ? 0f : bias[biasAt]);
        return relu ? GemvMicroKernel.relu(v, slope) : v;
    }
}
