package org.caffe4j.kernels.flow;

/**
 * FlowNet 2.0's FlowWarp (lmb-freiburg/flownet2, flow_warp_layer.cpp): out(x, y) = image sampled bilinearly at
 * (x + flow_x(x, y), y + flow_y(x, y)), in float as the fork; positions outside [0, w) x [0, h) get the fill value.
 */
public final class FlowWarpReference {
    private FlowWarpReference() {
    }

    public static void forward(float[] image, float[] flow, int num, int channels, int height, int width, float fill,
                               float[] out) {
        int plane = height * width;
        for (int n = 0; n < num; n++) {
            int off = n * channels * plane, flowOff = n * 2 * plane;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float x2 = x + flow[flowOff + y * width + x];
                    float y2 = y + flow[flowOff + plane + y * width + x];
                    if (x2 >= 0 && y2 >= 0 && x2 < width && y2 < height) {
                        int left = (int) x2, top = (int) y2;
                        int right = Math.min(left + 1, width - 1), bottom = Math.min(top + 1, height - 1);
                        float alpha = x2 - left, beta = y2 - top;
                        for (int c = 0; c < channels; c++) {
                            int p = off + c * plane;
                            out[p + y * width + x] = (1 - alpha) * (1 - beta) * image[p + top * width + left]
                                    + alpha * (1 - beta) * image[p + top * width + right]
                                    + (1 - alpha) * beta * image[p + bottom * width + left]
                                    + alpha * beta * image[p + bottom * width + right];
                        }
                    } else {
                        for (int c = 0; c < channels; c++) {
                            out[off + c * plane + y * width + x] = fill;
                        }
                    }
                }
            }
        }
    }
}
