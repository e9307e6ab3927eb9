package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.Activation;

/** The scalar twin of the Vector API transforms, lane by lane, with the float operations the interface names. */
public final class WinogradScalarTransforms implements WinogradTransformKernel {
    private final int lanes;

    public WinogradScalarTransforms(int lanes) {
        this.lanes = lanes;
    }

    @Override
    public int lanes() {
        return lanes;
    }

    @Override
    public void input(WinogradMatrices w, float[] src, int srcOff, int channelStride, int rowStride, int[] base,
                      int baseOff, int channels, float[] dst, int dstOff, int dstXiStride, int dstChannelStride,
                      float[] scratch) {
        int alpha = w.alpha();
        int tOff = alpha * alpha;
        for (int c = 0; c < channels; c++) {
            for (int l = 0; l < lanes; l++) {
                int at = srcOff + c * channelStride + base[baseOff + l];
                // Down the columns: t[i][x] = sum_k Bᵀ[i][k] d[k][x].
                for (int i = 0; i < alpha; i++) {
                    int[] ks = w.inputColumns(i);
                    float[] cs = w.inputValues(i);
                    for (int x = 0; x < alpha; x++) {
                        float acc = cs[0] * src[at + ks[0] * rowStride + x];
                        for (int q = 1; q < ks.length; q++) {
                            acc = Math.fma(cs[q], src[at + ks[q] * rowStride + x], acc);
                        }
                        scratch[tOff + i * alpha + x] = acc;
                    }
                }
                // Along the rows: v[i][j] = sum_k t[i][k] Bᵀ[j][k].
                int out = dstOff + c * dstChannelStride + l;
                for (int i = 0; i < alpha; i++) {
                    for (int j = 0; j < alpha; j++) {
                        int[] ks = w.inputColumns(j);
                        float[] cs = w.inputValues(j);
                        float acc = cs[0] * scratch[tOff + i * alpha + ks[0]];
                        for (int q = 1; q < ks.length; q++) {
                            acc = Math.fma(cs[q], scratch[tOff + i * alpha + ks[q]], acc);
                        }
                        dst[out + (i * alpha + j) * dstXiStride] = acc;
                    }
                }
            }
        }
    }

    @Override
    public void output(WinogradMatrices w, float[] src, int srcOff, int xiStride, float[] y, float[] scratch) {
        int alpha = w.alpha();
        int m = w.m();
        for (int l = 0; l < lanes; l++) {
            for (int i = 0; i < m; i++) {
                int[] ks = w.outputColumns(i);
                float[] cs = w.outputValues(i);
                for (int x = 0; x < alpha; x++) {
                    float acc = cs[0] * src[srcOff + (ks[0] * alpha + x) * xiStride + l];
                    for (int q = 1; q < ks.length; q++) {
                        acc = Math.fma(cs[q], src[srcOff + (ks[q] * alpha + x) * xiStride + l], acc);
                    }
                    scratch[i * alpha + x] = acc;
                }
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    int[] ks = w.outputColumns(j);
                    float[] cs = w.outputValues(j);
                    float acc = cs[0] * scratch[i * alpha + ks[0]];
                    for (int q = 1; q < ks.length; q++) {
                        acc = Math.fma(cs[q], scratch[i * alpha + ks[q]], acc);
                    }
                    y[(i * m + j) * lanes + l] = acc;
                }
            }
        }
    }

    @Override
    public void store(WinogradMatrices w, float[] y, float[] bias, int biasOff, int biasStride, Activation act,
                      float[] out, int outOff, int rowStride, int[] laneBase, int laneBaseOff) {
        int m = w.m();
        for (int l = 0; l < lanes; l++) {
            int at = outOff + laneBase[laneBaseOff + l];
            float b = bias == null ? 0f : bias[biasOff + l * biasStride];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    out[at + i * rowStride + j] = act.apply(y[(i * m + j) * lanes + l] + b);
                }
            }
        }
    }

    @Override
    public void storeValid(WinogradMatrices w, float[] y, float[] bias, int biasOff, int biasStride, Activation act,
                           float[] out, int outOff, int rowStride, int[] laneBase, int laneBaseOff, int[] valid,
                           int validOff) {
        int m = w.m();
        for (int l = 0; l < lanes; l++) {
            int v = valid[validOff + l];
            int at = outOff + laneBase[laneBaseOff + l];
            float b = bias == null ? 0f : bias[biasOff + l * biasStride];
            for (int i = 0; i < v >> 4; i++) {
                for (int j = 0; j < (v & 15); j++) {
                    out[at + i * rowStride + j] = act.apply(y[(i * m + j) * lanes + l] + b);
                }
            }
        }
    }
}
