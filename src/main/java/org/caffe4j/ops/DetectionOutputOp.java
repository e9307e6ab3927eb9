package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The SSD fork's DetectionOutput (weiliu89/caffe ssd, detection_output_layer.cpp and bbox_util.cpp): decodes the
 * location predictions (bottom[0], N x priors*4, or priors*classes*4 without share_location) against the priors
 * (bottom[2], PriorBox's 1 x 2 x priors*4), runs NMS per class on the confidences (bottom[1], N x priors*classes)
 * and keeps the keep_top_k best per image.
 *
 * <p>Rows are [image_id, label, score, xmin, ymin, xmax, ymax], in the fork's order: image by image, labels
 * ascending, within a label by falling score (NMS keeps boxes in score order, the earlier prior first on equal
 * scores). The fork's top has as many rows as detections; caffe4j's shapes are fixed when the net is planned, so
 * the top is 1 x 1 x R x 7 with R the most rows the parameters allow (N * keep_top_k, as OpenCV), the detections
 * first and every unused row filled with -1 (image_id -1: no image). When no image has a detection the fork
 * writes one row [i, -1, -1, -1, -1, -1, -1] per image, and so does caffe4j.
 *
 * <p>OpenCV 4.6 differs: rows sorted by score across labels, unused rows 0, confidence_threshold 0 when absent
 * (the fork: every score), eta ignored. {@code clip} is OpenCV's field (the face detector sets it); the fork has none.
 */
public final class DetectionOutputOp implements OpDefinition<DetectionOutputOp.Params> {
    public record Params(int numClasses, boolean shareLocation, int backgroundLabelId, float nmsThreshold, int topK,
                         float eta, Caffe.PriorBoxParameter.CodeType codeType, boolean varianceEncodedInTarget,
                         int keepTopK, float confidenceThreshold, boolean clip) {
        int locClasses() {
            return shareLocation ? 1 : numClasses;
        }
    }

    static final int ROW = 7;

    @Override
    public String type() {
        return "DetectionOutput";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(3, 3);
        ctx.requireTops(1, 1);
        Caffe.DetectionOutputParameter q = ctx.layer().getDetectionOutputParam();
        String f = "detection_output_param.";
        if (!q.hasNumClasses()) {
            throw ctx.invalid(f + "num_classes", "is missing; DetectionOutput needs it");
        }
        int numClasses = q.getNumClasses();
        if (numClasses <= 0) {
            throw ctx.invalid(f + "num_classes", "is " + Integer.toUnsignedString(numClasses)
                    + "; must be positive (and below 2^31)");
        }
        if (q.getShareLocation() && q.getBackgroundLabelId() == -1) {
            // The fork skips decoding the shared boxes (label -1) as background and then aborts.
            throw ctx.unsupported(f + "background_label_id", "-1 with share_location: true is not supported: the "
                    + "SSD fork takes the shared boxes (label -1) for the background and aborts");
        }
        Caffe.NonMaximumSuppressionParameter nms = q.getNmsParam();
        float nmsThreshold = nms.getNmsThreshold();
        if (!(nmsThreshold >= 0) || Float.isInfinite(nmsThreshold)) {
            throw ctx.invalid(f + "nms_param.nms_threshold", "is " + nmsThreshold + "; must be finite and at least 0");
        }
        float eta = nms.getEta();
        if (!(eta > 0 && eta <= 1)) {
            throw ctx.invalid(f + "nms_param.eta", "is " + eta + "; must be in (0, 1]");
        }
        float confidence = q.hasConfidenceThreshold() ? q.getConfidenceThreshold() : -Float.MAX_VALUE;
        if (Float.isNaN(confidence)) {
            throw ctx.invalid(f + "confidence_threshold", "is NaN");
        }
        if (!q.getNormalizedBbox()) {
            throw ctx.unsupported(f + "normalized_bbox", "false (OpenCV's pixel-coordinate boxes) is not supported; "
                    + "the SSD fork's boxes are normalized to [0, 1]");
        }
        return new Params(numClasses, q.getShareLocation(), q.getBackgroundLabelId(), nmsThreshold,
                nms.hasTopK() ? nms.getTopK() : -1, eta, q.getCodeType(), q.getVarianceEncodedInTarget(),
                q.getKeepTopK(), confidence, q.getClip());
    }

    /** The most detections one image can give: each target class keeps at most top_k, the image keep_top_k. */
    static long maxPerImage(Params p, long priors) {
        boolean backgroundIsAClass = p.backgroundLabelId() >= 0 && p.backgroundLabelId() < p.numClasses();
        long targets = p.numClasses() - (backgroundIsAClass ? 1 : 0);
        long perClass = p.topK() > -1 ? Math.min(p.topK(), priors) : priors;
        long perImage = targets * perClass;
        return p.keepTopK() > -1 ? Math.min(perImage, p.keepTopK()) : perImage;
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape loc = in.get(0);
        Shape conf = in.get(1);
        Shape prior = in.get(2);
        if (prior.rank() != 3 || prior.dim(1) != 2 || prior.dim(2) % 4 != 0) {
            throw ctx.invalid("bottom[2]", "has shape " + prior + "; the priors must be 1 x 2 x (4 * priors), as "
                    + "PriorBox makes them (boxes, then variances)");
        }
        long priors = prior.dim(2) / 4;
        if (loc.rank() < 2 || loc.count(1, loc.rank()) != priors * p.locClasses() * 4) {
            throw ctx.invalid("bottom[0]", "has shape " + loc + "; expected N x " + priors * p.locClasses() * 4
                    + " location values (" + priors + " priors x " + p.locClasses() + " x 4)");
        }
        if (conf.rank() < 2 || conf.count(1, conf.rank()) != priors * p.numClasses()) {
            throw ctx.invalid("bottom[1]", "has shape " + conf + "; expected N x " + priors * p.numClasses()
                    + " confidences (" + priors + " priors x " + p.numClasses() + " classes)");
        }
        if (conf.dim(0) != loc.dim(0)) {
            throw ctx.invalid("bottom[1]", "has " + conf.dim(0) + " images but bottom[0] has " + loc.dim(0));
        }
        long rows = (long) loc.dim(0) * Math.max(1, maxPerImage(p, priors));
        return List.of(Shape.checked(new long[]{1, 1, rows, ROW}, ctx.label()));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        int num = ctx.inputShapes().get(0).dim(0);
        int priors = ctx.inputShapes().get(2).dim(2) / 4;
        int rows = ctx.outputShapes().get(0).dim(2);
        return (inputs, outputs, par) -> {
            float[] out = outputs[0];
            List<float[]> detections = new ArrayList<>();
            for (int i = 0; i < num; i++) {
                detectImage(p, i, priors, inputs[0], inputs[1], inputs[2], detections);
            }
            Arrays.fill(out, 0, rows * ROW, -1f);
            if (detections.isEmpty()) {
                for (int i = 0; i < num; i++) {
                    out[i * ROW] = i;
                }
                return;
            }
            for (int r = 0; r < detections.size(); r++) {
                System.arraycopy(detections.get(r), 0, out, r * ROW, ROW);
            }
        };
    }

    /** Appends image i's rows in the fork's order. */
    static void detectImage(Params p, int image, int priors, float[] loc, float[] conf, float[] prior,
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
    static void decode(Params p, float[] prior, int priors, int k, float[] loc, int at, float[] out, int o) {
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
    static List<Integer> nms(float[] boxes, float[] scores, Params p) {
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
                keep = jaccardOverlap(boxes, k, kept.get(j)) <= threshold;
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

    private static float size(float xmin, float ymin, float xmax, float ymax) {
        return xmax < xmin || ymax < ymin ? 0f : (xmax - xmin) * (ymax - ymin);
    }
}
