package org.caffe4j.kernels.flow;

/**
 * FlowNet 2.0's Resample (lmb-freiburg/flownet2, resample_layer.cu; the fork has no CPU forward), in float as its
 * CUDA kernels. The source position of output (x, y) is (x·fx + fy/2 − 0.5, y·fy + fx/2 − 0.5) with fx = w_in/w_out,
 * fy = h_in/h_out — the fork's formula, which pairs each axis with the other axis' factor. NEAREST takes the pixel
 * at the rounded position (clamped to the image here; the fork reads outside it when the factors differ a lot).
 * LINEAR (triangle filter, 2 wide) and CUBIC (Keys a = −0.5, 4 wide) weight the pixels around the rounded position,
 * widened by the factor when downsampling with antialias (on both axes as soon as one is downsampled), and
 * normalize by the weights' sum (0 when it is 0).
 */
public final class ResampleReference {
    public static final int NEAREST = 1;
    public static final int LINEAR = 2;
    public static final int CUBIC = 3;

    private ResampleReference() {
    }

    public static void forward(float[] in, int planes, int inH, int inW, int outH, int outW, int type,
                               boolean antialiasParam, float[] out) {
        float fx = (float) inW / (float) outW, fy = (float) inH / (float) outH;
        boolean antialias = (fx > 1 || fy > 1) && antialiasParam;
        int kernelWidth = type == CUBIC ? 4 : 2;
        float ax = 1.0f / (antialias ? fx : 1.0f), ay = 1.0f / (antialias ? fy : 1.0f);
        int rx = fx < 1.0f ? 2 : (int) Math.ceil(kernelWidth / ax);
        int ry = fy < 1.0f ? 2 : (int) Math.ceil(kernelWidth / ay);
        int inPlane = inH * inW, outPlane = outH * outW;
        for (int c = 0; c < planes; c++) {
            for (int yo = 0; yo < outH; yo++) {
                float yIn = yo * fy + fx / 2.0f - 0.5f;
                int yr = roundHalfAway(yIn);
                for (int xo = 0; xo < outW; xo++) {
                    float xIn = xo * fx + fy / 2.0f - 0.5f;
                    int xr = roundHalfAway(xIn);
                    int o = c * outPlane + yo * outW + xo;
                    if (type == NEAREST) {
                        int yy = Math.min(Math.max(yr, 0), inH - 1), xx = Math.min(Math.max(xr, 0), inW - 1);
                        out[o] = in[c * inPlane + yy * inW + xx];
                        continue;
                    }
                    float sum = 0, wsum = 0;
                    for (int y = yr - ry; y <= yr + ry; y++) {
                        for (int x = xr - rx; x <= xr + rx; x++) {
                            if (y < 0 || x < 0 || y >= inH || x >= inW) {
                                continue;
                            }
                            float dx = xIn - x, dy = yIn - y;
                            float w = type == CUBIC ? ax * cubic(ax * dx) * ay * cubic(ay * dy)
                                    : ax * triangle(ax * dx) * ay * triangle(ay * dy);
                            sum += w * in[c * inPlane + y * inW + x];
                            wsum += w;
                        }
                    }
                    out[o] = wsum == 0 ? 0 : sum / wsum;
                }
            }
        }
    }

    /** CUDA's round(): halves away from zero. */
    static int roundHalfAway(float v) {
        float a = Math.abs(v);
        int r = (int) Math.floor(a);
        if (a - r >= 0.5f) {
            r++;
        }
        return v < 0 ? -r : r;
    }

    private static float triangle(float x) {
        if (-1 <= x && x < 0) {
            return x + 1;
        }
        if (0 <= x && x <= 1) {
            return 1 - x;
        }
        return 0;
    }

    private static float cubic(float v) {
        float x = Math.abs(v);
        if (x <= 1.0f) {
            return x * x * (1.5f * x - 2.5f) + 1.0f;
        } else if (x < 2.0f) {
            return x * (x * (-0.5f * x + 2.5f) - 4.0f) + 2.0f;
        }
        return 0.0f;
    }
}
