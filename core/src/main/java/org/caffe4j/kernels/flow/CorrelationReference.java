package org.caffe4j.kernels.flow;

/**
 * FlowNetC's correlation (lmb-freiburg/flownet2, correlation_layer.cu, CorrelateData; multiplicative): for each
 * output position, the k x k x C patch of the first (zero-padded) map at (x·stride1 + max_displacement,
 * y·stride1 + max_displacement) times the same patch of the second map displaced by (dx, dy) in steps of stride2
 * up to max_displacement, summed and divided by k·k·C. Output channel (dy index)·grid + (dx index). Sums in double.
 */
public final class CorrelationReference {
    private CorrelationReference() {
    }

    /** Output width or height: ceil((size + 2·pad − 2·(maxDisplacement + kernel radius)) / stride1). */
    public static long outputSize(int size, int pad, int kernel, int maxDisplacement, int stride1) {
        long border = (long) maxDisplacement + (kernel - 1) / 2;
        long inner = (long) size + 2L * pad - 2 * border;
        return inner <= 0 ? 0 : (inner + stride1 - 1) / stride1;
    }

    public static void forward(float[] a, float[] b, int num, int channels, int height, int width, int pad, int kernel,
                               int maxDisplacement, int stride1, int stride2, int outH, int outW, float[] out) {
        int radius = maxDisplacement / stride2, grid = 2 * radius + 1, outC = grid * grid;
        double norm = (double) kernel * kernel * channels;
        int plane = height * width;
        for (int n = 0; n < num; n++) {
            int base = n * channels * plane;
            for (int tc = 0; tc < outC; tc++) {
                int dx = (tc % grid - radius) * stride2, dy = (tc / grid - radius) * stride2;
                for (int ty = 0; ty < outH; ty++) {
                    int y1 = ty * stride1 + maxDisplacement - pad; // unpadded coordinates of the patch's top row
                    for (int tx = 0; tx < outW; tx++) {
                        int x1 = tx * stride1 + maxDisplacement - pad;
                        double sum = 0;
                        for (int j = 0; j < kernel; j++) {
                            int ya = y1 + j, yb = ya + dy;
                            if (ya < 0 || ya >= height || yb < 0 || yb >= height) {
                                continue; // zero padding on either side
                            }
                            for (int i = 0; i < kernel; i++) {
                                int xa = x1 + i, xb = xa + dx;
                                if (xa < 0 || xa >= width || xb < 0 || xb >= width) {
                                    continue;
                                }
                                for (int c = 0; c < channels; c++) {
                                    sum += (double) a[base + c * plane + ya * width + xa]
                                            * b[base + c * plane + yb * width + xb];
                                }
                            }
                        }
                        out[((n * outC + tc) * outH + ty) * outW + tx] = (float) (sum / norm);
                    }
                }
            }
        }
    }
}
