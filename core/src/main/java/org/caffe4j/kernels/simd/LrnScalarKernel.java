package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.norm.LrnWindowKernel;

/** The scalar twin of {@link LrnVectorKernel}: the float-op sequence {@link LrnWindowKernel} defines. */
public final class LrnScalarKernel implements LrnWindowKernel {
    @Override
    public void slide(float[] sum, float[] in, int enteringOff, int leavingOff, int p0, int p1) {
        if (enteringOff >= 0) {
            for (int p = p0; p < p1; p++) {
                float v = in[enteringOff + p];
                sum[p] = sum[p] + v * v;
            }
        }
        if (leavingOff >= 0) {
            for (int p = p0; p < p1; p++) {
                float v = in[leavingOff + p];
                sum[p] = sum[p] - v * v;
            }
        }
    }

    @Override
    public void normalize(float[] sum, float[] in, int inOff, float[] out, int outOff, int p0, int p1,
                          float alphaOverSize, float k, float beta) {
        for (int p = p0; p < p1; p++) {
            float s = k + alphaOverSize * sum[p];
            out[outOff + p] = in[inOff + p] * LrnWindowKernel.inversePower(s, beta);
        }
    }
}
