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
}
