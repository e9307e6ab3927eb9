package org.caffe4j.preprocess;

/**
 * Pixels as channel planes, C×H×W floats in C order. The array is shared, not copied: treat it as read-only
 * once handed over.
 */
public record PlanarImage(int channels, int height, int width, float[] data) {
    public PlanarImage {
        if (channels <= 0 || height <= 0 || width <= 0 || (long) channels * height * width != data.length) {
            throw new IllegalArgumentException("planar image " + channels + "x" + height + "x" + width
                    + " does not match " + data.length + " values");
        }
    }
}
