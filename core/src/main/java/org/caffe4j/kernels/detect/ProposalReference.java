package org.caffe4j.kernels.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Faster R-CNN's region proposals as py-faster-rcnn computes them (lib/rpn/proposal_layer.py, generate_anchors.py,
 * bbox_transform.py, py_cpu_nms.py), in double precision as NumPy does: anchors on every feature-map cell, moved by
 * the predicted deltas, clipped to the image, small ones dropped, the best {@code preNmsTopN} by score kept, then
 * non-maximum suppression and the best {@code postNmsTopN}. Boxes use py-faster-rcnn's pixel convention (a box from
 * x1 to x2 is x2 - x1 + 1 wide).
 */
public final class ProposalReference {
    private ProposalReference() {
    }

    /**
     * The anchors of generate_anchors(): for each ratio, for each scale, [x1, y1, x2, y2] around the base box
     * [0, 0, base - 1, base - 1]. Widths are rounded half to even, as NumPy's round.
     */
    public static double[][] anchors(int baseSize, float[] ratios, float[] scales) {
        double w = baseSize, h = baseSize;
        double xCtr = 0.5 * (w - 1), yCtr = 0.5 * (h - 1);
        double size = w * h;
        double[][] out = new double[ratios.length * scales.length][];
        int k = 0;
        for (float ratio : ratios) {
            double ws = Math.rint(Math.sqrt(size / ratio));
            double hs = Math.rint(ws * ratio);
            for (float scale : scales) {
                double sw = ws * scale, sh = hs * scale;
                out[k++] = new double[]{xCtr - 0.5 * (sw - 1), yCtr - 0.5 * (sh - 1), xCtr + 0.5 * (sw - 1),
                        yCtr + 0.5 * (sh - 1)};
            }
        }
        return out;
    }

    /**
     * One image's proposals.
     *
     * @param scores  the RPN's class probabilities, 2A x H x W: the last A channels are the objectness scores
     * @param deltas  4A x H x W box deltas (dx, dy, dw, dh per anchor)
     * @param imInfo  image height, width and scale (min_size is multiplied by the scale)
     * @param rois    out: postNmsTopN rows of [0, x1, y1, x2, y2]; rows past the proposals found stay 0
     * @param outScores out, or null: the kept proposals' scores, postNmsTopN values
     * @return how many proposals were found
     */
    public static int forward(float[] scores, float[] deltas, int height, int width, float[] imInfo, double[][] anchors,
                              int featStride, float minSize, int preNmsTopN, int postNmsTopN, float nmsThresh,
                              float[] rois, float[] outScores) {
        int a = anchors.length, plane = height * width, n = plane * a;
        double[][] boxes = new double[n][];
        float[] score = new float[n];
        double imH = imInfo[0], imW = imInfo[1];
        double minSide = minSize * (double) imInfo[2];
        List<Integer> kept = new ArrayList<>();
        // Order of proposal_layer.py: cell (row-major) outer, anchor inner.
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int cell = y * width + x;
                for (int k = 0; k < a; k++) {
                    int i = cell * a + k;
                    double[] an = anchors[k];
                    double sx = x * (double) featStride, sy = y * (double) featStride;
                    double x1 = an[0] + sx, y1 = an[1] + sy, x2 = an[2] + sx, y2 = an[3] + sy;
                    double w = x2 - x1 + 1.0, h = y2 - y1 + 1.0;
                    double cx = x1 + 0.5 * w, cy = y1 + 0.5 * h;
                    double dx = deltas[(4 * k) * plane + cell], dy = deltas[(4 * k + 1) * plane + cell];
                    double dw = deltas[(4 * k + 2) * plane + cell], dh = deltas[(4 * k + 3) * plane + cell];
                    double pcx = dx * w + cx, pcy = dy * h + cy;
                    double pw = Math.exp(dw) * w, ph = Math.exp(dh) * h;
                    double[] b = {pcx - 0.5 * pw, pcy - 0.5 * ph, pcx + 0.5 * pw, pcy + 0.5 * ph};
                    // clip_boxes: x into [0, width - 1], y into [0, height - 1].
                    b[0] = Math.max(Math.min(b[0], imW - 1), 0);
                    b[1] = Math.max(Math.min(b[1], imH - 1), 0);
                    b[2] = Math.max(Math.min(b[2], imW - 1), 0);
                    b[3] = Math.max(Math.min(b[3], imH - 1), 0);
                    boxes[i] = b;
                    score[i] = scores[(a + k) * plane + cell];
                    if (b[2] - b[0] + 1 >= minSide && b[3] - b[1] + 1 >= minSide) {
                        kept.add(i);
                    }
                }
            }
        }
        // Highest score first; ties keep the net's order (NumPy's argsort leaves them unspecified).
        Integer[] order = kept.toArray(Integer[]::new);
        Arrays.sort(order, (p, q) -> Float.compare(score[q], score[p]));
        int candidates = preNmsTopN > 0 ? Math.min(preNmsTopN, order.length) : order.length;
        boolean[] suppressed = new boolean[candidates];
        int found = 0;
        for (int i = 0; i < candidates && found < postNmsTopN; i++) {
            if (suppressed[i]) {
                continue;
            }
            double[] b = boxes[order[i]];
            rois[found * 5] = 0;
            for (int c = 0; c < 4; c++) {
                rois[found * 5 + 1 + c] = (float) b[c];
            }
            if (outScores != null) {
                outScores[found] = score[order[i]];
            }
            found++;
            double area = (b[2] - b[0] + 1) * (b[3] - b[1] + 1);
            for (int j = i + 1; j < candidates; j++) {
                if (!suppressed[j]) {
                    double[] o = boxes[order[j]];
                    double iw = Math.max(0.0, Math.min(b[2], o[2]) - Math.max(b[0], o[0]) + 1);
                    double ih = Math.max(0.0, Math.min(b[3], o[3]) - Math.max(b[1], o[1]) + 1);
                    double inter = iw * ih;
                    double other = (o[2] - o[0] + 1) * (o[3] - o[1] + 1);
                    // py_cpu_nms keeps boxes whose overlap is <= the threshold.
                    if (inter / (area + other - inter) > nmsThresh) {
                        suppressed[j] = true;
                    }
                }
            }
        }
        Arrays.fill(rois, found * 5, postNmsTopN * 5, 0f);
        if (outScores != null) {
            Arrays.fill(outScores, found, postNmsTopN, 0f);
        }
        return found;
    }
}
