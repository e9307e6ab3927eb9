package org.caffe4j.kernels.detect;

/**
 * prior_box_layer.cpp (SSD fork): the default boxes of a layerH x layerW feature map, normalized by the image
 * size, then their variances: 2 x (layerH * layerW * priors * 4) values. Per cell (row-major), per min size: the
 * min-size square, the sqrt(min * max) square when max sizes are given, then one box per aspect ratio other than 1.
 * The fork's arithmetic: float centres and sizes, each coordinate computed in double and stored as float.
 */
public final class PriorBoxes {
    private PriorBoxes() {
    }

    /**
     * @param minSizes     the fork's whole-pixel min sizes
     * @param maxSizes     empty, or one per min size
     * @param aspectRatios including 1 (skipped here: the min-size square is that box)
     * @param variances    1 or 4 values
     */
    public static float[] generate(int[] minSizes, int[] maxSizes, float[] aspectRatios, boolean clip,
                                   float[] variances, int layerH, int layerW, int imgH, int imgW, float stepH,
                                   float stepW, float offset) {
        int priorsPerCell = minSizes.length * aspectRatios.length + maxSizes.length;
        float[] priors = new float[layerH * layerW * priorsPerCell * 4 * 2];
        int dim = priors.length / 2;
        int idx = 0;
        for (int h = 0; h < layerH; h++) {
            for (int w = 0; w < layerW; w++) {
                float cx = (w + offset) * stepW;
                float cy = (h + offset) * stepH;
                for (int s = 0; s < minSizes.length; s++) {
                    int minSize = minSizes[s];
                    idx = box(priors, idx, cx, cy, minSize, minSize, imgW, imgH);
                    if (maxSizes.length > 0) {
                        float side = (float) Math.sqrt((double) minSize * maxSizes[s]);
                        idx = box(priors, idx, cx, cy, side, side, imgW, imgH);
                    }
                    for (float ar : aspectRatios) {
                        if (Math.abs(ar - 1.0) < 1e-6) {
                            continue;
                        }
                        float root = (float) Math.sqrt(ar);
                        idx = box(priors, idx, cx, cy, minSize * root, minSize / root, imgW, imgH);
                    }
                }
            }
        }
        if (clip) {
            for (int i = 0; i < dim; i++) {
                priors[i] = Math.min(Math.max(priors[i], 0f), 1f);
            }
        }
        float[] v = variances;
        for (int i = 0; i < dim; i++) {
            priors[dim + i] = v.length == 1 ? v[0] : v[i % 4];
        }
        return priors;
    }

    private static int box(float[] out, int idx, float cx, float cy, float width, float height, int imgW, int imgH) {
        out[idx++] = (float) ((cx - width / 2.0) / imgW);
        out[idx++] = (float) ((cy - height / 2.0) / imgH);
        out[idx++] = (float) ((cx + width / 2.0) / imgW);
        out[idx++] = (float) ((cy + height / 2.0) / imgH);
        return idx;
    }
}
