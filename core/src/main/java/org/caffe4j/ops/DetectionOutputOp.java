package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.detect.DetectionOutputReference;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 * So is {@code normalized_bbox: false} (OpenCV's Faster R-CNN deploy nets): boxes in pixels, one pixel wider in the
 * CENTER_SIZE decoding and in the overlaps, as OpenCV's detection_output_layer.cpp.
 */
public final class DetectionOutputOp implements OpDefinition<DetectionOutputOp.Params> {
    public record Params(int numClasses, boolean shareLocation, int backgroundLabelId, float nmsThreshold, int topK,
                         float eta, DetectionOutputReference.CodeType codeType, boolean varianceEncodedInTarget,
                         int keepTopK, float confidenceThreshold, boolean clip, boolean normalized) {
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
        if (!q.getNormalizedBbox() && q.getClip()) {
            throw ctx.unsupported(f + "clip", "with normalized_bbox: false is not supported: OpenCV clips pixel "
                    + "boxes to the size of a fourth bottom (the image), which caffe4j's DetectionOutput does not take");
        }
        return new Params(numClasses, q.getShareLocation(), q.getBackgroundLabelId(), nmsThreshold,
                nms.hasTopK() ? nms.getTopK() : -1, eta, DetectionOutputReference.CodeType.valueOf(q.getCodeType().name()),
                q.getVarianceEncodedInTarget(),
                q.getKeepTopK(), confidence, q.getClip(), q.getNormalizedBbox());
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
        // Without variances (variance_encoded_in_target) the priors may be boxes only, 1 x 1 x 4P: OpenCV's Faster
        // R-CNN deploy nets feed the Proposal layer's ROIs so.
        int priorRows = p.varianceEncodedInTarget() && prior.rank() == 3 && prior.dim(1) == 1 ? 1 : 2;
        if (prior.rank() != 3 || prior.dim(1) != priorRows || prior.dim(2) % 4 != 0) {
            throw ctx.invalid("bottom[2]", "has shape " + prior + "; the priors must be 1 x 2 x (4 * priors), as "
                    + "PriorBox makes them (boxes, then variances), or 1 x 1 x (4 * priors) with "
                    + "variance_encoded_in_target");
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
        DetectionOutputReference.Config config = new DetectionOutputReference.Config(p.numClasses(),
                p.shareLocation(), p.backgroundLabelId(), p.nmsThreshold(), p.topK(), p.eta(),
                p.codeType(), p.varianceEncodedInTarget(),
                p.keepTopK(), p.confidenceThreshold(), p.clip(), p.normalized());
        return (inputs, outputs, par) -> {
            float[] out = outputs[0];
            List<float[]> detections = new ArrayList<>();
            for (int i = 0; i < num; i++) {
                DetectionOutputReference.detectImage(config, i, priors, inputs[0], inputs[1], inputs[2], detections);
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
}
