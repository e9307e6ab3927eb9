package org.caffe4j.kernels.flow;

/** FlowNet 2.0's ChannelNorm (channel_norm_layer.cpp): each pixel's L2 norm over the channels, summed in float. */
public final class ChannelNormReference {
    private ChannelNormReference() {
    }

    public static void forward(float[] in, int num, int channels, int plane, float[] out) {
        for (int n = 0; n < num; n++) {
            for (int i = 0; i < plane; i++) {
                float sum = 0;
                for (int c = 0; c < channels; c++) {
                    float v = in[(n * channels + c) * plane + i];
                    sum += v * v;
                }
                out[n * plane + i] = (float) Math.sqrt(sum);
            }
        }
    }
}
