package org.caffe4j.kernels.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * detection_output_layer.cpp and bbox_util.cpp (SSD fork): decodes one image's location predictions against the
 * priors, runs NMS per class and keeps the keep_top_k best, appending rows [image, label, score, xmin, ymin, xmax,
 * ymax] image by image, labels ascending, scores falling within a label.
 */
public final class DetectionOutputReference {
    private DetectionOutputReference() {
    }

    public enum CodeType { CORNER, CENTER_SIZE, CORNER_SIZE }

    /**
     * @param topK            -1 (or any negative): no limit per class
     * @param keepTopK        -1 (or any negative): no limit per image
     * @param clip            OpenCV's clamp of the decoded boxes to [0, 1] (the fork never clips)
     * @param normalized      false for OpenCV's pixel-coordinate boxes (its Faster R-CNN deploy nets): a box of
     *                        xmin..xmax spans xmax - xmin + 1 pixels, in the CENTER_SIZE decoding and the overlaps
     */
    public record Config(int numClasses, boolean shareLocation, int backgroundLabelId, float nmsThreshold, int topK,
                         float eta, CodeType codeType, boolean varianceEncodedInTarget, int keepTopK,
                         float confidenceThreshold, boolean clip, boolean normalized) {
        int locClasses() {
            return shareLocation ? 1 : numClasses;
        }
    }

    /** Appends image i's rows in the fork's order. */
    public static void detectImage(Config p, int image, int priors, float[] loc, float[] conf, float[] prior,
                                   List<float[]> rows) {
        int locClasses = p.locClasses();
        int classes = p.numClasses();
        float[][] boxes = new float[locClasses][];
        for (int c = 0; c < locClasses; c++) {
            int label = p.shareLocation() ? -1 : c;
            if (label == p.backgroundLabelId()) {
                continue;
            }
            boxes[c] = new float[priors * 4];
            for (int k = 0; k < priors; k++) {
                int at = (image * priors * locClasses + k * locClasses + c) * 4;
                decode(p, prior, priors, k, loc, at, boxes[c], k * 4);
            }
        }
        TreeMap<Integer, List<Integer>> kept = new TreeMap<>();
        int detections = 0;
        float[] scores = new float[priors];
        for (int c = 0; c < classes; c++) {
            if (c == p.backgroundLabelId()) {
                continue;
            }
            for (int k = 0; k < priors; k++) {
                scores[k] = conf[(image * priors + k) * classes + c];
            }
            List<Integer> indices = nms(boxes[p.shareLocation() ? 0 : c], scores, p);
            kept.put(c, indices);
            detections += indices.size();
        }
        if (p.keepTopK() > -1 && detections > p.keepTopK()) {
            // Best keep_top_k over all labels; equal scores keep label order, then NMS order (the fork's std::sort
            // leaves their order unspecified).
            List<int[]> all = new ArrayList<>();
            kept.forEach((label, indices) -> indices.forEach(k -> all.add(new int[]{label, k})));
            int stride = classes;
            all.sort((x, y) -> descending(conf[(image * priors + x[1]) * stride + x[0]],
                    conf[(image * priors + y[1]) * stride + y[0]]));
            TreeMap<Integer, List<Integer>> top = new TreeMap<>();
            for (int[] e : all.subList(0, p.keepTopK())) {
                top.computeIfAbsent(e[0], l -> new ArrayList<>()).add(e[1]);
            }
            kept = top;
        }
        kept.forEach((label, indices) -> {
            float[] b = boxes[p.shareLocation() ? 0 : label];
            for (int k : indices) {
                rows.add(new float[]{image, label, conf[(image * priors + k) * classes + label], b[k * 4],
                        b[k * 4 + 1], b[k * 4 + 2], b[k * 4 + 3]});
            }
        });
    }

    /** The fork's DecodeBBox, in its float arithmetic; then OpenCV's clip when asked. */
    static void decode(Config p, float[] prior, int priors, int k, float[] loc, int at, float[] out, int o) {
        float pxmin = prior[k * 4];
        float pymin = prior[k * 4 + 1];
        float pxmax = prior[k * 4 + 2];
        float pymax = prior[k * 4 + 3];
        int v = (priors + k) * 4;
        boolean encoded = p.varianceEncodedInTarget();
        float v0 = encoded ? 1f : prior[v];
        float v1 = encoded ? 1f : prior[v + 1];
        float v2 = encoded ? 1f : prior[v + 2];
        float v3 = encoded ? 1f : prior[v + 3];
        float lx = loc[at];
        float ly = loc[at + 1];
        float lx2 = loc[at + 2];
        float ly2 = loc[at + 3];
        switch (p.codeType()) {
            case CORNER -> {
                out[o] = pxmin + v0 * lx;
                out[o + 1] = pymin + v1 * ly;
                out[o + 2] = pxmax + v2 * lx2;
                out[o + 3] = pymax + v3 * ly2;
            }
            case CENTER_SIZE -> {
                float pw = pxmax - pxmin;
                float ph = pymax - pymin;
                float pcx = (float) ((pxmin + pxmax) / 2.0);
                float pcy = (float) ((pymin + pymax) / 2.0);
                if (!p.normalized()) {
                    // OpenCV's DecodeBBox for pixel boxes: one pixel wider, centred from xmin.
                    pw += 1f;
                    ph += 1f;
                    pcx = (float) (pxmin + pw * .5);
                    pcy = (float) (pymin + ph * .5);
                }
                float cx = v0 * lx * pw + pcx;
                float cy = v1 * ly * ph + pcy;
                float w = (float) (Math.exp(v2 * lx2) * pw);
                float h = (float) (Math.exp(v3 * ly2) * ph);
                out[o] = (float) (cx - w / 2.0);
                out[o + 1] = (float) (cy - h / 2.0);
                out[o + 2] = (float) (cx + w / 2.0);
                out[o + 3] = (float) (cy + h / 2.0);
            }
            case CORNER_SIZE -> {
                float pw = pxmax - pxmin;
                float ph = pymax - pymin;
                out[o] = pxmin + v0 * lx * pw;
                out[o + 1] = pymin + v1 * ly * ph;
                out[o + 2] = pxmax + v2 * lx2 * pw;
                out[o + 3] = pymax + v3 * ly2 * ph;
            }
        }
        if (p.clip()) {
            for (int i = o; i < o + 4; i++) {
                out[i] = Math.max(Math.min(out[i], 1f), 0f);
            }
        }
    }

    /** The fork's ApplyNMSFast: scores above the threshold, best first (stable), top_k, then greedy overlap. */
    static List<Integer> nms(float[] boxes, float[] scores, Config p) {
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < scores.length; k++) {
            if (scores[k] > p.confidenceThreshold()) {
                order.add(k);
            }
        }
        order.sort((x, y) -> descending(scores[x], scores[y]));
        if (p.topK() > -1 && p.topK() < order.size()) {
            order = order.subList(0, p.topK());
        }
        List<Integer> kept = new ArrayList<>();
        float threshold = p.nmsThreshold();
        for (int k : order) {
            boolean keep = true;
            for (int j = 0; j < kept.size() && keep; j++) {
                keep = (p.normalized() ? jaccardOverlap(boxes, k, kept.get(j))
                        : pixelJaccardOverlap(boxes, k, kept.get(j))) <= threshold;
            }
            if (keep) {
                kept.add(k);
                if (p.eta() < 1 && threshold > 0.5f) {
                    threshold *= p.eta();
                }
            }
        }
        return kept;
    }

    /** The fork's SortScorePairDescend (a strict greater-than), for a stable sort: equal scores keep their order. */
    private static int descending(float a, float b) {
        return a > b ? -1 : b > a ? 1 : 0;
    }

    /** The fork's JaccardOverlap of normalized boxes a and b (indices into xmin, ymin, xmax, ymax quadruples). */
    static float jaccardOverlap(float[] boxes, int a, int b) {
        float axmin = boxes[a * 4];
        float aymin = boxes[a * 4 + 1];
        float axmax = boxes[a * 4 + 2];
        float aymax = boxes[a * 4 + 3];
        float bxmin = boxes[b * 4];
        float bymin = boxes[b * 4 + 1];
        float bxmax = boxes[b * 4 + 2];
        float bymax = boxes[b * 4 + 3];
        if (bxmin > axmax || bxmax < axmin || bymin > aymax || bymax < aymin) {
            return 0f;
        }
        float iw = Math.min(axmax, bxmax) - Math.max(axmin, bxmin);
        float ih = Math.min(aymax, bymax) - Math.max(aymin, bymin);
        if (!(iw > 0 && ih > 0)) {
            return 0f;
        }
        float inter = iw * ih;
        return inter / (size(axmin, aymin, axmax, aymax) + size(bxmin, bymin, bxmax, bymax) - inter);
    }

    /**
     * OpenCV's JaccardOverlap for pixel boxes: every size counts both end pixels ((w + 1) x (h + 1)), so boxes that
     * only touch still overlap by one pixel row.
     */
    static float pixelJaccardOverlap(float[] boxes, int a, int b) {
        float ixmin = Math.max(boxes[a * 4], boxes[b * 4]);
        float iymin = Math.max(boxes[a * 4 + 1], boxes[b * 4 + 1]);
        float ixmax = Math.min(boxes[a * 4 + 2], boxes[b * 4 + 2]);
        float iymax = Math.min(boxes[a * 4 + 3], boxes[b * 4 + 3]);
        float inter = pixelSize(ixmin, iymin, ixmax, iymax);
        if (!(inter > 0)) {
            return 0f;
        }
        float sa = pixelSize(boxes[a * 4], boxes[a * 4 + 1], boxes[a * 4 + 2], boxes[a * 4 + 3]);
        float sb = pixelSize(boxes[b * 4], boxes[b * 4 + 1], boxes[b * 4 + 2], boxes[b * 4 + 3]);
        return inter / (sa + sb - inter);
    }

    private static float pixelSize(float xmin, float ymin, float xmax, float ymax) {
        return xmax < xmin || ymax < ymin ? 0f : (xmax - xmin + 1) * (ymax - ymin + 1);
    }

    private static float size(float xmin, float ymin, float xmax, float ymax) {
        return xmax < xmin || ymax < ymin ? 0f : (xmax - xmin) * (ymax - ymin);
    }
}
