package org.caffe4j.kernels.resize;

/**
 * PSPNet's/DeepLab's Interp arithmetic (hszhao/PSPNet src/caffe/util/interp.cpp, caffe_cpu_interp2, unpacked):
 * bilinear resampling with aligned corners of the {@code inH} x {@code inW} window at ({@code y0}, {@code x0}) of
 * each {@code fullH} x {@code fullW} input plane onto an {@code outH} x {@code outW} output plane, in float, step by
 * step as the fork computes it. A window of the output's size is copied.
 */
public final class InterpBilinear {
    private InterpBilinear() {
    }

    /** The fork's ratio: (in - 1) / (out - 1) in float, 0 for a one-pixel output. */
    public static float ratio(int in, int out) {
        return out > 1 ? (float) (in - 1) / (out - 1) : 0f;
    }

    /** The plain loop of interp.cpp for one plane. */
    public static void plane(float[] in, int inOff, int fullW, int y0, int x0, int inH, int inW,
                             float[] out, int outOff, int outH, int outW) {
        if (inH == outH && inW == outW) {
            for (int h = 0; h < outH; h++) {
                System.arraycopy(in, inOff + (y0 + h) * fullW + x0, out, outOff + h * outW, outW);
            }
            return;
        }
        float rh = ratio(inH, outH), rw = ratio(inW, outW);
        for (int h2 = 0; h2 < outH; h2++) {
            float h1r = rh * h2;
            int h1 = (int) h1r;
            int h1p = h1 < inH - 1 ? 1 : 0;
            float h1lambda = h1r - h1, h0lambda = 1f - h1lambda;
            for (int w2 = 0; w2 < outW; w2++) {
                float w1r = rw * w2;
                int w1 = (int) w1r;
                int w1p = w1 < inW - 1 ? 1 : 0;
                float w1lambda = w1r - w1, w0lambda = 1f - w1lambda;
                int p = inOff + (y0 + h1) * fullW + x0 + w1;
                out[outOff + h2 * outW + w2] = h0lambda * (w0lambda * in[p] + w1lambda * in[p + w1p])
                        + h1lambda * (w0lambda * in[p + h1p * fullW] + w1lambda * in[p + h1p * fullW + w1p]);
            }
        }
    }

    /**
     * The same resampling with the per-row and per-column indices and weights computed once, and each input row
     * interpolated horizontally once per plane instead of once per output row that reads it (a zoom by 8 reads
     * each row pair 8 times). Every output is the same float expression as in {@link #plane}, evaluated in the
     * same order, so the bits are the reference's.
     */
    public static final class Tables {
        private final int inH, inW, outH, outW;
        private final int[] row, rowStep, col, colStep;
        private final float[] rowLo, rowHi, colLo, colHi;

        public Tables(int inH, int inW, int outH, int outW) {
            this.inH = inH;
            this.inW = inW;
            this.outH = outH;
            this.outW = outW;
            row = new int[outH];
            rowStep = new int[outH];
            rowLo = new float[outH];
            rowHi = new float[outH];
            fill(ratio(inH, outH), inH, row, rowStep, rowLo, rowHi);
            col = new int[outW];
            colStep = new int[outW];
            colLo = new float[outW];
            colHi = new float[outW];
            fill(ratio(inW, outW), inW, col, colStep, colLo, colHi);
        }

        private static void fill(float r, int in, int[] index, int[] step, float[] lo, float[] hi) {
            for (int o = 0; o < index.length; o++) {
                float pos = r * o;
                index[o] = (int) pos;
                step[o] = index[o] < in - 1 ? 1 : 0;
                hi[o] = pos - index[o];
                lo[o] = 1f - hi[o];
            }
        }

        /** One plane, as {@link InterpBilinear#plane}; {@code rows} is scratch of at least 2 x outW. */
        public void plane(float[] in, int inOff, int fullW, int y0, int x0, float[] out, int outOff, float[] rows) {
            if (inH == outH && inW == outW) {
                InterpBilinear.plane(in, inOff, fullW, y0, x0, inH, inW, out, outOff, outH, outW);
                return;
            }
            int cachedA = -1, cachedB = -1; // input rows held in rows[0..outW) and rows[outW..2 outW)
            for (int h2 = 0; h2 < outH; h2++) {
                int top = row[h2], bottom = top + rowStep[h2];
                int a, b;
                if (top == cachedA) {
                    a = 0;
                } else if (top == cachedB) {
                    a = outW;
                } else {
                    a = bottom == cachedA ? outW : 0;
                    horizontal(in, inOff + (y0 + top) * fullW + x0, rows, a);
                    if (a == 0) {
                        cachedA = top;
                    } else {
                        cachedB = top;
                    }
                }
                if (bottom == top) {
                    b = a;
                } else if (bottom == cachedA && a != 0) {
                    b = 0;
                } else if (bottom == cachedB && a != outW) {
                    b = outW;
                } else {
                    b = a == 0 ? outW : 0;
                    horizontal(in, inOff + (y0 + bottom) * fullW + x0, rows, b);
                    if (b == 0) {
                        cachedA = bottom;
                    } else {
                        cachedB = bottom;
                    }
                }
                float lo = rowLo[h2], hi = rowHi[h2];
                int o = outOff + h2 * outW;
                for (int w2 = 0; w2 < outW; w2++) {
                    out[o + w2] = lo * rows[a + w2] + hi * rows[b + w2];
                }
            }
        }

        private void horizontal(float[] in, int rowStart, float[] rows, int at) {
            for (int w2 = 0; w2 < outW; w2++) {
                int p = rowStart + col[w2];
                rows[at + w2] = colLo[w2] * in[p] + colHi[w2] * in[p + colStep[w2]];
            }
        }
    }
}
