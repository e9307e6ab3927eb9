package org.caffe4j.kernels.pool;

/**
 * Fast R-CNN's ROI max pooling as rbgirshick/caffe-fast-rcnn's roi_pooling_layer.cpp computes it (float
 * arithmetic as in the fork). Each ROI row is [batch_index, x1, y1, x2, y2] in input-image pixels: each corner
 * coordinate times spatial_scale is rounded half away from zero (C's round); the ROI spans max(end - start + 1, 1)
 * cells; bin (ph, pw) covers rows [floor(ph * binH), ceil((ph + 1) * binH)) from the ROI's start, clipped to the
 * map, likewise for columns; the bin's maximum (starting from -FLT_MAX, so NaNs never win) or 0 for an empty bin.
 *
 * <p>The fork leaves ROIs it cannot index undefined (a batch index out of range fails a CHECK; a coordinate whose
 * rounding does not fit an int is undefined behaviour in C): {@link #firstBadRoi} finds them so callers can refuse.
 */
public final class RoiPoolReference {
    /** Values per ROI row. */
    public static final int ROI_SIZE = 5;

    private RoiPoolReference() {
    }

    /** The first ROI whose batch index does not truncate into [0, batch) or whose scaled corner is not an int. */
    public static int firstBadRoi(float[] rois, int numRois, int batch, float spatialScale) {
        for (int r = 0; r < numRois; r++) {
            int o = r * ROI_SIZE;
            float b = rois[o];
            // NaN fails both comparisons; the int cast truncates toward zero, so (-1, batch) is what truncates in.
            if (!(b > -1f && b < batch)) {
                return r;
            }
            for (int k = 1; k < ROI_SIZE; k++) {
                float scaled = rois[o + k] * spatialScale;
                if (!(Math.abs((double) scaled) < Integer.MAX_VALUE)) {
                    return r;
                }
            }
        }
        return -1;
    }

    /** C's round(): halves away from zero (Java's Math.round rounds them up). Exact in double for any float. */
    static long roundHalfAway(float v) {
        double d = Math.abs((double) v);
        long r = (long) Math.floor(d + 0.5);
        return v < 0 ? -r : r;
    }

    /**
     * Pools every ROI of {@code rois} (checked with {@link #firstBadRoi}) from {@code features} (batch x channels
     * x h x w) into {@code out} (numRois x channels x pooledH x pooledW).
     */
    public static void forward(float[] features, int channels, int h, int w, float[] rois, int numRois,
                               float spatialScale, int pooledH, int pooledW, float[] out) {
        int plane = h * w;
        int outPlane = pooledH * pooledW;
        for (int r = 0; r < numRois; r++) {
            int o = r * ROI_SIZE;
            int batchIndex = (int) rois[o];
            long startW = roundHalfAway(rois[o + 1] * spatialScale);
            long startH = roundHalfAway(rois[o + 2] * spatialScale);
            long endW = roundHalfAway(rois[o + 3] * spatialScale);
            long endH = roundHalfAway(rois[o + 4] * spatialScale);
            // The fork's int ROI size converted to float, as its static_cast<Dtype> does.
            float binH = (float) Math.max(endH - startH + 1, 1) / pooledH;
            float binW = (float) Math.max(endW - startW + 1, 1) / pooledW;
            long batchBase = (long) batchIndex * channels * plane;
            for (int ph = 0; ph < pooledH; ph++) {
                int hStart = clip((long) Math.floor(ph * binH) + startH, h);
                int hEnd = clip((long) Math.ceil((ph + 1) * binH) + startH, h);
                for (int pw = 0; pw < pooledW; pw++) {
                    int wStart = clip((long) Math.floor(pw * binW) + startW, w);
                    int wEnd = clip((long) Math.ceil((pw + 1) * binW) + startW, w);
                    boolean empty = hEnd <= hStart || wEnd <= wStart;
                    for (int c = 0; c < channels; c++) {
                        int in = (int) (batchBase + (long) c * plane);
                        float m = -Float.MAX_VALUE;
                        for (int y = hStart; y < hEnd; y++) {
                            for (int x = wStart; x < wEnd; x++) {
                                float v = features[in + y * w + x];
                                if (v > m) {
                                    m = v;
                                }
                            }
                        }
                        out[(r * channels + c) * outPlane + ph * pooledW + pw] = empty ? 0f : m;
                    }
                }
            }
        }
    }

    private static int clip(long v, int size) {
        return (int) Math.min(Math.max(v, 0), size);
    }
}
