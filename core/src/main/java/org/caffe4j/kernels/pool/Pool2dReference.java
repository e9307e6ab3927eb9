package org.caffe4j.kernels.pool;

/**
 * Caffe's pooling arithmetic for one image plane set (C planes of H x W), as pooling_layer.cpp defines it.
 * MAX: the window clipped to the input (padding never wins). AVE: the sum over the window clipped to the input,
 * divided by the window size clipped to the PADDED input (so padding counts as zeros, cells beyond it do not).
 */
public final class Pool2dReference {
    private Pool2dReference() {
    }

    /** Caffe's output size: ceil (or floor) rounding, then the last window must start inside the padded input. */
    public static int outputSize(int in, int kernel, int pad, int stride, boolean ceil) {
        int span = in + 2 * pad - kernel;
        int out = (ceil ? (int) Math.ceil((double) span / stride) : Math.floorDiv(span, stride)) + 1;
        if (pad > 0 && (out - 1) * stride >= in + pad) {
            out--;
        }
        return out;
    }

    public static void max(float[] in, int inOff, float[] out, int outOff, int channels, int h, int w, int oh, int ow,
                           int kh, int kw, int sh, int sw, int ph, int pw) {
        for (int c = 0; c < channels; c++) {
            int ip = inOff + c * h * w, op = outOff + c * oh * ow;
            for (int y = 0; y < oh; y++) {
                int y0 = y * sh - ph, y1 = Math.min(y0 + kh, h);
                y0 = Math.max(y0, 0);
                for (int x = 0; x < ow; x++) {
                    int x0 = x * sw - pw, x1 = Math.min(x0 + kw, w);
                    x0 = Math.max(x0, 0);
                    float m = -Float.MAX_VALUE;
                    for (int yy = y0; yy < y1; yy++) {
                        for (int xx = x0; xx < x1; xx++) {
                            float v = in[ip + yy * w + xx];
                            if (v > m) {
                                m = v;
                            }
                        }
                    }
                    out[op + y * ow + x] = m;
                }
            }
        }
    }

    /**
     * MAX pooling of one plane that also writes Caffe's argmax mask (pooling_layer.cpp, top[1]): the position
     * h * w_in + w within the input plane of the first largest value of each window, as a float; -1 where no value
     * exceeds -FLT_MAX (an all-NaN window), as Caffe leaves it. SegNet's Upsample reads it. Kept apart from
 * {@link #max} (same window bounds) so that the common case carries no argmax bookkeeping.
     */
    public static void maxWithMask(float[] in, int inOff, float[] out, float[] mask, int outOff, int h, int w, int oh,
                                   int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
        for (int y = 0; y < oh; y++) {
            int y0 = y * sh - ph, y1 = Math.min(y0 + kh, h);
            y0 = Math.max(y0, 0);
            for (int x = 0; x < ow; x++) {
                int x0 = x * sw - pw, x1 = Math.min(x0 + kw, w);
                x0 = Math.max(x0, 0);
                float m = -Float.MAX_VALUE;
                int arg = -1;
                for (int yy = y0; yy < y1; yy++) {
                    for (int xx = x0; xx < x1; xx++) {
                        float v = in[inOff + yy * w + xx];
                        if (v > m) {
                            m = v;
                            arg = yy * w + xx;
                        }
                    }
                }
                out[outOff + y * ow + x] = m;
                mask[outOff + y * ow + x] = arg;
            }
        }
    }

    public static void average(float[] in, int inOff, float[] out, int outOff, int channels, int h, int w, int oh, int ow,
                               int kh, int kw, int sh, int sw, int ph, int pw) {
        for (int c = 0; c < channels; c++) {
            int ip = inOff + c * h * w, op = outOff + c * oh * ow;
            for (int y = 0; y < oh; y++) {
                int y0 = y * sh - ph, y1 = Math.min(y0 + kh, h + ph);
                int poolH = y1 - y0;
                y0 = Math.max(y0, 0);
                y1 = Math.min(y1, h);
                for (int x = 0; x < ow; x++) {
                    int x0 = x * sw - pw, x1 = Math.min(x0 + kw, w + pw);
                    int poolSize = poolH * (x1 - x0);
                    x0 = Math.max(x0, 0);
                    x1 = Math.min(x1, w);
                    float sum = 0;
                    for (int yy = y0; yy < y1; yy++) {
                        for (int xx = x0; xx < x1; xx++) {
                            sum += in[ip + yy * w + xx];
                        }
                    }
                    out[op + y * ow + x] = sum / poolSize;
                }
            }
        }
    }
}
