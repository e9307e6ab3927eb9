package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.gemm.GemvMicroKernel;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * The scalar twin of {@link GemvVectorKernel}: the same even/odd running sums per output and the same output pass,
 * so results are bit-identical. Used when the Vector API is unavailable or disabled, and as a test oracle.
 */
public final class GemvScalarKernel implements GemvMicroKernel {
    private static final int MR = SgemmMicroKernel.MR;

    @Override
    public void panel(int kc, float[] a, int aOff, float[] x, int xOff, int rows, float[] out, int outOff,
                      int ldo, float[] bias, int biasOff, boolean relu, float slope) {
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i;
            for (int r = 0; r < MR; r++) {
                float even = 0f, odd = 0f;
                int k = 0;
                for (; k + 1 < kc; k += 2) {
                    even = Math.fma(a[aOff + k * MR + r], x[xi + k * rows], even);
                    odd = Math.fma(a[aOff + (k + 1) * MR + r], x[xi + (k + 1) * rows], odd);
                }
                if (k < kc) {
                    even = Math.fma(a[aOff + k * MR + r], x[xi + k * rows], even);
                }
                int at = outOff + i * ldo + r;
                out[at] = even + odd;
                GemvMicroKernel.finish(out, at, bias == null ? 0f : bias[biasOff + r], relu, slope);
            }
        }
    }
}
