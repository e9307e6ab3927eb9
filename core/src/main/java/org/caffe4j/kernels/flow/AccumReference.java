package org.caffe4j.kernels.flow;

/**
 * FlowNet's Accum (lmb-freiburg/flownet2, accum_layer.cpp): each bottom resized to the top's size by bilinear
 * interpolation with the corners aligned (x = w / (topW − 1) · (bottomW − 1), in float as the fork), its channels
 * written after the previous bottoms'. The fork reads the right and lower neighbours even where their weight is 0;
 * here they are clamped to the image, the same result for finite values.
 */
public final class AccumReference {
    private AccumReference() {
    }

    /** Writes bottom {@code in} (num x channels x h x w) into channels [channelOffset, +channels) of {@code out}. */
    public static void resizeInto(float[] in, int num, int channels, int h, int w, float[] out, int outChannels,
                                  int channelOffset, int outH, int outW) {
        for (int n = 0; n < num; n++) {
            for (int c = 0; c < channels; c++) {
                int src = (n * channels + c) * h * w;
                int dst = ((n * outChannels) + channelOffset + c) * outH * outW;
                for (int y = 0; y < outH; y++) {
                    float ypos = y / (float) (outH - 1) * (float) (h - 1);
                    float tly = (float) Math.floor(ypos);
                    float ydist = ypos - tly;
                    int y0 = (int) tly, y1 = Math.min(y0 + 1, h - 1);
                    for (int x = 0; x < outW; x++) {
                        float xpos = x / (float) (outW - 1) * (float) (w - 1);
                        float tlx = (float) Math.floor(xpos);
                        float xdist = xpos - tlx;
                        int x0 = (int) tlx, x1 = Math.min(x0 + 1, w - 1);
                        float tl = in[src + y0 * w + x0], tr = in[src + y0 * w + x1];
                        float bl = in[src + y1 * w + x0], br = in[src + y1 * w + x1];
                        out[dst + y * outW + x] = (1 - xdist) * (1 - ydist) * tl + xdist * ydist * br
                                + (1 - xdist) * ydist * bl + xdist * (1 - ydist) * tr;
                    }
                }
            }
        }
    }
}
