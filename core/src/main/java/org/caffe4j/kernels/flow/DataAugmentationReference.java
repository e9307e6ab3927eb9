package org.caffe4j.kernels.flow;

/**
 * FlowNet 2.0's DataAugmentation at test time without augmentation (data_augmentation_layer.cu): a centre crop
 * sampled as the fork's SpatialAugmentation kernel does, then a mean subtracted.
 */
public final class DataAugmentationReference {
    private DataAugmentationReference() {
    }

    /**
     * The fork's identity transform for a crop: source x = x + (width - cropWidth) / 2 (likewise y), clamped to
     * [0, width - 1.05] so that the right neighbour exists, then bilinear. That clamp blends the last row and column
     * with their neighbours (0.95 / 0.05) even when the crop is the whole image, as the fork does.
     */
    public static void crop(float[] in, int planes, int height, int width, int cropHeight, int cropWidth, float[] out) {
        float offX = -.5f * cropWidth + .5f * width;
        float offY = -.5f * cropHeight + .5f * height;
        float maxX = (float) width - 1.05f, maxY = (float) height - 1.05f;
        int count = planes * height * width;
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < cropHeight; y++) {
                for (int x = 0; x < cropWidth; x++) {
                    float xpos = Math.max(0f, Math.min(x + offX, maxX));
                    float ypos = Math.max(0f, Math.min(y + offY, maxY));
                    float tlx = (float) Math.floor(xpos), tly = (float) Math.floor(ypos);
                    int off = width * (height * p + (int) tly) + (int) tlx;
                    // Neighbours stay inside the blob (the fork's own index clamp is one past its end; only a
                    // one-pixel-wide or -high input reaches it).
                    float tl = in[off];
                    float tr = in[Math.min(off + 1, count - 1)];
                    float bl = in[Math.min(off + width, count - 1)];
                    float br = in[Math.min(off + 1 + width, count - 1)];
                    float dx = xpos - tlx, dy = ypos - tly;
                    out[(p * cropHeight + y) * cropWidth + x] = (1 - dx) * (1 - dy) * tl + dx * dy * br
                            + (1 - dx) * dy * bl + dx * (1 - dy) * tr;
                }
            }
        }
    }

    /** Subtracts one value per channel. */
    public static void subtractPerChannel(float[] data, int num, int channels, int plane, float[] mean) {
        for (int n = 0; n < num; n++) {
            for (int c = 0; c < channels; c++) {
                float m = mean[c];
                int base = (n * channels + c) * plane;
                for (int i = 0; i < plane; i++) {
                    data[base + i] -= m;
                }
            }
        }
    }

    /** Subtracts a C x H x W mean from every image. */
    public static void subtractPerPixel(float[] data, int num, float[] mean) {
        int image = mean.length;
        for (int n = 0; n < num; n++) {
            for (int i = 0; i < image; i++) {
                data[n * image + i] -= mean[i];
            }
        }
    }
}
