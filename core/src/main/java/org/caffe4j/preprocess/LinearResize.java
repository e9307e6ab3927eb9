package org.caffe4j.preprocess;

/**
 * Bilinear resize with the rule of OpenCV's {@code cv::resize(..., INTER_LINEAR)} on float images, which is what
 * Caffe's C++ classification example calls: destination pixel {@code d} samples source coordinate
 * {@code (d + 0.5) * src/dst - 0.5} (half-pixel centres). Columns outside the image clamp to the edge pixel with
 * weight 1; rows clamp their indices and keep their weights, exactly as OpenCV's separable
 * horizontal-then-vertical pass does, so results match OpenCV's float path to float rounding.
 * (OpenCV's 8-bit path quantises the weights to 1/2048 and rounds the result to integers; it differs from this
 * by less than one grey level.)
 */
public final class LinearResize {
    private LinearResize() {
    }

    /** Resizes every plane of {@code src} to {@code dstHeight×dstWidth}. Returns {@code src} itself when sizes match. */
    public static PlanarImage resize(PlanarImage src, int dstWidth, int dstHeight) {
        if (dstWidth <= 0 || dstHeight <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + dstWidth + "x" + dstHeight);
        }
        int sw = src.width();
        int sh = src.height();
        if (sw == dstWidth && sh == dstHeight) {
            return src;
        }
        // Horizontal taps: OpenCV clamps both the index and the weight at the borders.
        int[] xIndex = new int[dstWidth];
        float[] xWeight0 = new float[dstWidth];
        float[] xWeight1 = new float[dstWidth];
        double scaleX = 1.0 / ((double) dstWidth / sw);
        for (int dx = 0; dx < dstWidth; dx++) {
            float fx = (float) ((dx + 0.5) * scaleX - 0.5);
            int sx = (int) Math.floor(fx);
            fx -= sx;
            if (sx < 0) {
                fx = 0;
                sx = 0;
            }
            if (sx >= sw - 1) {
                fx = 0;
                sx = sw - 1;
            }
            xIndex[dx] = sx;
            xWeight0[dx] = 1.f - fx;
            xWeight1[dx] = fx;
        }
        // Vertical taps: OpenCV clamps only the row indices.
        int[] yRow0 = new int[dstHeight];
        int[] yRow1 = new int[dstHeight];
        float[] yWeight0 = new float[dstHeight];
        float[] yWeight1 = new float[dstHeight];
        double scaleY = 1.0 / ((double) dstHeight / sh);
        for (int dy = 0; dy < dstHeight; dy++) {
            float fy = (float) ((dy + 0.5) * scaleY - 0.5);
            int sy = (int) Math.floor(fy);
            fy -= sy;
            yRow0[dy] = clamp(sy, sh);
            yRow1[dy] = clamp(sy + 1, sh);
            yWeight0[dy] = 1.f - fy;
            yWeight1[dy] = fy;
        }
        float[] in = src.data();
        int planes = src.channels();
        float[] out = new float[planes * dstHeight * dstWidth];
        float[] rows = new float[sh * dstWidth];
        for (int c = 0; c < planes; c++) {
            int srcPlane = c * sh * sw;
            for (int y = 0; y < sh; y++) {
                int s = srcPlane + y * sw;
                int r = y * dstWidth;
                for (int dx = 0; dx < dstWidth; dx++) {
                    int sx = xIndex[dx];
                    // At the right edge the second tap has weight 0 and may lie outside the row.
                    float second = xWeight1[dx] == 0 ? 0 : in[s + sx + 1] * xWeight1[dx];
                    rows[r + dx] = in[s + sx] * xWeight0[dx] + second;
                }
            }
            int dstPlane = c * dstHeight * dstWidth;
            for (int dy = 0; dy < dstHeight; dy++) {
                int r0 = yRow0[dy] * dstWidth;
                int r1 = yRow1[dy] * dstWidth;
                float b0 = yWeight0[dy];
                float b1 = yWeight1[dy];
                int d = dstPlane + dy * dstWidth;
                for (int dx = 0; dx < dstWidth; dx++) {
                    out[d + dx] = rows[r0 + dx] * b0 + rows[r1 + dx] * b1;
                }
            }
        }
        return new PlanarImage(planes, dstHeight, dstWidth, out);
    }

    private static int clamp(int row, int height) {
        return row < 0 ? 0 : Math.min(row, height - 1);
    }
}
