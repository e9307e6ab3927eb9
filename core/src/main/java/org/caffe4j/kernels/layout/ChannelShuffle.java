package org.caffe4j.kernels.layout;

/**
 * ShuffleNet's channel shuffle (farmingyard/ShuffleNet shuffle_channel_layer.cpp): per image, the channels read as
 * a {@code group} x (channels / group) matrix of planes are written transposed, so input channel
 * {@code i * columns + j} becomes output channel {@code j * group + i}. Values are copied bit for bit.
 */
public final class ChannelShuffle {
    private ChannelShuffle() {
    }

    /** Shuffles image {@code n} of a blob with {@code channels} planes of {@code plane} values each. */
    public static void forward(float[] in, float[] out, int n, int channels, int plane, int group) {
        int columns = channels / group;
        int image = n * channels * plane;
        for (int i = 0; i < group; i++) {
            for (int j = 0; j < columns; j++) {
                System.arraycopy(in, image + (i * columns + j) * plane, out, image + (j * group + i) * plane, plane);
            }
        }
    }
}
