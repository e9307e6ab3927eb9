package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

class DetectionOutputOpTest extends OpTestBase {
    private static final String DET = "DetectionOutput";

    /** Priors p0 and p1 overlap (IoU 0.68), p2 stands apart; variances 0.1 0.1 0.2 0.2. */
    private static final double[][] PRIORS = {{0.1, 0.1, 0.3, 0.3}, {0.12, 0.12, 0.32, 0.32}, {0.6, 0.6, 0.9, 0.9}};
    /** p2's prediction moves it to (0.7, 0.5, 1.0, 0.9) under CORNER decoding. */
    private static final double[] P2_DECODED = {0.7, 0.5, 1.0, 0.9};

    private static Tensor priors(double[][] boxes, double... variances) {
        float[] d = new float[boxes.length * 8];
        for (int k = 0; k < boxes.length; k++) {
            for (int j = 0; j < 4; j++) {
                d[k * 4 + j] = (float) boxes[k][j];
                d[(boxes.length + k) * 4 + j] = (float) variances[j];
            }
        }
        return new Tensor(new int[]{1, 2, boxes.length * 4}, d);
    }

    private static Tensor loc() {
        return new Tensor(new int[]{1, 12}, new float[]{0, 0, 0, 0, 0, 0, 0, 0, 1, -1, 0.5f, 0});
    }

    /** Background, class 1, class 2 per prior. */
    private static Tensor conf() {
        return new Tensor(new int[]{1, 9}, new float[]{0.1f, 0.8f, 0.1f, 0.1f, 0.7f, 0.2f, 0.2f, 0.3f, 0.5f});
    }

    private static String det(String params) {
        return layer(DET, "x0 x1 x2", "y", "detection_output_param { num_classes: 3 " + params + " }");
    }

    private static double[] row(int image, int label, double score, double[] box) {
        return new double[]{image, label, score, box[0], box[1], box[2], box[3]};
    }

    /** The rows, then -1 up to {@code total} rows. */
    private static double[] rows(int total, double[]... rows) {
        double[] d = new double[total * 7];
        Arrays.fill(d, -1);
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, d, r * 7, 7);
        }
        return d;
    }

    private static void assertRows(int total, Tensor y, double[]... rows) {
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, total, 7}, rows(total, rows), y);
    }

    private Tensor run(String params) {
        return runOne(det(params), loc(), conf(), priors(PRIORS, 0.1, 0.1, 0.2, 0.2));
    }

    @Test
    void suppressesOverlapsPerClassAndOrdersByLabelThenScore() {
        // Class 1: p0 (0.8) kept, p1 (0.7, IoU 0.68 > 0.45) suppressed, p2 (0.3) kept; class 2: only p2 passes
        // 0.25. Rows: 2 target classes x 3 priors = 6, three of them unused.
        assertRows(6, run("nms_param { nms_threshold: 0.45 } confidence_threshold: 0.25"),
                row(0, 1, 0.8, PRIORS[0]), row(0, 1, 0.3, P2_DECODED), row(0, 2, 0.5, P2_DECODED));
        // A looser threshold keeps p1 too, after p0 (score order).
        assertRows(6, run("nms_param { nms_threshold: 0.9 } confidence_threshold: 0.25"),
                row(0, 1, 0.8, PRIORS[0]), row(0, 1, 0.7, PRIORS[1]), row(0, 1, 0.3, P2_DECODED),
                row(0, 2, 0.5, P2_DECODED));
    }

    @Test
    void withoutAThresholdEveryScoreCounts() {
        // The fork's default confidence_threshold is -FLT_MAX (OpenCV's is 0). Class 1 as before (p1 suppressed);
        // class 2 keeps p2 (0.5) and p1 (0.2), which suppresses the overlapping p0 (0.1).
        assertRows(6, run("nms_param { nms_threshold: 0.45 }"),
                row(0, 1, 0.8, PRIORS[0]), row(0, 1, 0.3, P2_DECODED),
                row(0, 2, 0.5, P2_DECODED), row(0, 2, 0.2, PRIORS[1]));
    }

    @Test
    void topKKeepTopKAndEta() {
        // top_k 1: each class's NMS sees its best box only.
        assertRows(2, run("nms_param { nms_threshold: 0.45 top_k: 1 } confidence_threshold: 0.25"),
                row(0, 1, 0.8, PRIORS[0]), row(0, 2, 0.5, P2_DECODED));
        // keep_top_k 2: the two best of the image (0.8 and 0.5), still grouped by label.
        assertRows(2, run("nms_param { nms_threshold: 0.45 } confidence_threshold: 0.25 keep_top_k: 2"),
                row(0, 1, 0.8, PRIORS[0]), row(0, 2, 0.5, P2_DECODED));
        // eta 0.5: after p0 is kept the threshold 0.7 drops to 0.35, so p1 (IoU 0.68) goes; without eta it stays.
        assertRows(6, run("nms_param { nms_threshold: 0.7 eta: 0.5 } confidence_threshold: 0.25"),
                row(0, 1, 0.8, PRIORS[0]), row(0, 1, 0.3, P2_DECODED), row(0, 2, 0.5, P2_DECODED));
        assertRows(6, run("nms_param { nms_threshold: 0.7 } confidence_threshold: 0.25"),
                row(0, 1, 0.8, PRIORS[0]), row(0, 1, 0.7, PRIORS[1]), row(0, 1, 0.3, P2_DECODED),
                row(0, 2, 0.5, P2_DECODED));
    }

    @Test
    void noDetectionGivesTheForksMarkerRowPerImage() {
        Tensor loc = new Tensor(new int[]{2, 12}, new float[24]);
        Tensor conf = new Tensor(new int[]{2, 9}, new float[18]);
        Tensor y = runOne(det("confidence_threshold: 0.5 keep_top_k: 3"), loc, conf,
                priors(PRIORS, 0.1, 0.1, 0.2, 0.2));
        assertRows(6, y, new double[]{0, -1, -1, -1, -1, -1, -1}, new double[]{1, -1, -1, -1, -1, -1, -1});
    }

    @Test
    void eachImageOfABatchGetsItsOwnRows() {
        float[] loc2 = new float[24];
        System.arraycopy(loc().data(), 0, loc2, 12, 12);
        float[] conf2 = new float[18];
        // Image 0: only class 2 on p0; image 1: the single-image case.
        conf2[2] = 0.9f;
        System.arraycopy(conf().data(), 0, conf2, 9, 9);
        Tensor y = runOne(det("nms_param { nms_threshold: 0.45 } confidence_threshold: 0.25"),
                new Tensor(new int[]{2, 12}, loc2), new Tensor(new int[]{2, 9}, conf2),
                priors(PRIORS, 0.1, 0.1, 0.2, 0.2));
        assertRows(12, y, row(0, 2, 0.9, PRIORS[0]), row(1, 1, 0.8, PRIORS[0]), row(1, 1, 0.3, P2_DECODED),
                row(1, 2, 0.5, P2_DECODED));
    }

    @Test
    void batchFollowsTheInput() {
        Random rnd = new Random(11);
        assertBatchFollowsInput(det("nms_param { nms_threshold: 0.45 top_k: 3 } code_type: CENTER_SIZE "
                        + "confidence_threshold: 0.2 keep_top_k: 4"), List.of(), uniform(rnd, -1, 1, 3, 12),
                uniform(rnd, 0, 1, 3, 9), priors(PRIORS, 0.1, 0.1, 0.2, 0.2));
    }

    @Test
    void centerSizeDecodingWithAndWithoutVariancesAndOpenCvClip() {
        double[][] prior = {{0.2, 0.2, 0.6, 0.4}};
        Tensor loc = new Tensor(new int[]{1, 4}, new float[]{0.5f, -1, 0.25f, 0});
        Tensor conf = new Tensor(new int[]{1, 2}, new float[]{0.1f, 0.9f});
        String base = "layer { name: \"op\" type: \"DetectionOutput\" bottom: \"x0\" bottom: \"x1\" bottom: \"x2\" "
                + "top: \"y\" detection_output_param { num_classes: 2 code_type: CENTER_SIZE ";
        // Centre (0.4, 0.3), size 0.4 x 0.2, variances 0.1 0.1 0.2 0.2.
        double cx = 0.1 * 0.5 * 0.4 + 0.4, cy = 0.1 * -1 * 0.2 + 0.3, w = Math.exp(0.2 * 0.25) * 0.4, h = 0.2;
        assertRows(1, runOne(base + "} }\n", loc, conf, priors(prior, 0.1, 0.1, 0.2, 0.2)),
                row(0, 1, 0.9, new double[]{cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2}));
        double ecx = 0.5 * 0.4 + 0.4, ecy = -1 * 0.2 + 0.3, ew = Math.exp(0.25) * 0.4;
        double[] encoded = {ecx - ew / 2, ecy - h / 2, ecx + ew / 2, ecy + h / 2};
        assertRows(1, runOne(base + "variance_encoded_in_target: true } }\n", loc, conf,
                priors(prior, 0.1, 0.1, 0.2, 0.2)), row(0, 1, 0.9, encoded));
        // The box reaches above y = 0: OpenCV's clip clamps it.
        double[] clipped = encoded.clone();
        for (int i = 0; i < 4; i++) {
            clipped[i] = Math.min(Math.max(clipped[i], 0), 1);
        }
        assertTrue(encoded[1] < 0, "the case must need clipping");
        assertRows(1, runOne(base + "variance_encoded_in_target: true clip: true } }\n", loc, conf,
                priors(prior, 0.1, 0.1, 0.2, 0.2)), row(0, 1, 0.9, clipped));
    }

    @Test
    void cornerSizeDecodingScalesOffsetsByThePriorSize() {
        // The fork's third code type (OpenCV has none): corner + variance * offset * prior width or height.
        double[][] prior = {{0.2, 0.2, 0.6, 0.4}};
        Tensor loc = new Tensor(new int[]{1, 4}, new float[]{0.5f, -1, 0.25f, 0});
        Tensor conf = new Tensor(new int[]{1, 2}, new float[]{0.1f, 0.9f});
        Tensor y = runOne(layer(DET, "x0 x1 x2", "y", "detection_output_param { num_classes: 2 "
                + "code_type: CORNER_SIZE }"), loc, conf, priors(prior, 0.1, 0.1, 0.2, 0.2));
        assertRows(1, y, row(0, 1, 0.9, new double[]{0.2 + 0.1 * 0.5 * 0.4, 0.2 - 0.1 * 0.2,
                0.6 + 0.2 * 0.25 * 0.4, 0.4}));
    }

    @Test
    void faceDetectorParametersParseAndClip() {
        // detection_output_param exactly as OpenCV's samples/dnn/face_detector/deploy.prototxt writes it
        // (res10_300x300_ssd): OpenCV's clip given as 1.
        String params = "detection_output_param { num_classes: 2 share_location: true background_label_id: 0 "
                + "nms_param { nms_threshold: 0.45 top_k: 400 } code_type: CENTER_SIZE keep_top_k: 200 "
                + "confidence_threshold: 0.2 clip: 1 }";
        double[][] prior = {{0.8, 0.8, 1.0, 1.0}};
        Tensor loc = new Tensor(new int[]{1, 4}, new float[]{2, 2, 1, 1});
        Tensor conf = new Tensor(new int[]{1, 2}, new float[]{0.3f, 0.7f});
        Tensor y = runOne(layer(DET, "x0 x1 x2", "y", params), loc, conf, priors(prior, 0.1, 0.1, 0.2, 0.2));
        // Centre 0.9 + 0.1 * 2 * 0.2 = 0.94, size 0.2 e^0.2: clipped at 1 on the right and bottom.
        double half = 0.2 * Math.exp(0.2) / 2;
        assertRows(1, y, row(0, 1, 0.7, new double[]{0.94 - half, 0.94 - half, 1, 1}));
    }

    @Test
    void perClassLocationsWithoutBackground() {
        double[][] prior = {{0, 0, 0.5, 0.5}, {0.5, 0.5, 1, 1}};
        // Per prior, per class 4 values; class 0's boxes move xmin by 0.1 (variance 1).
        Tensor loc = new Tensor(new int[]{1, 16}, new float[]{0.1f, 0, 0, 0, 0, 0, 0, 0, 0.1f, 0, 0, 0, 0, 0, 0, 0});
        Tensor conf = new Tensor(new int[]{1, 4}, new float[]{0.6f, 0.3f, 0.2f, 0.9f});
        Tensor y = runOne(layer(DET, "x0 x1 x2", "y", "detection_output_param { num_classes: 2 share_location: false "
                + "background_label_id: -1 confidence_threshold: 0.25 }"), loc, conf, priors(prior, 1, 1, 1, 1));
        // Boxes that only touch do not overlap.
        assertRows(4, y, row(0, 0, 0.6, new double[]{0.1, 0, 0.5, 0.5}), row(0, 1, 0.9, prior[1]),
                row(0, 1, 0.3, prior[0]));
    }

    /**
     * OpenCV's normalized_bbox: false (its Faster R-CNN nets): pixel boxes count both end pixels, in the CENTER_SIZE
     * decoding (a 0..9 prior is 10 wide, centred at 5, so it decodes to 0..10) and in the overlaps (the decoded
     * 0..10 and 9..19 share columns 9 and 10: IoU 2 x 11 / (2 x 121 - 22) = 0.1). The priors may be boxes only
     * (1 x 1 x 4P) with variance_encoded_in_target.
     */
    @Test
    void pixelBoxesAsOpenCvsFasterRcnn() {
        Tensor prior = new Tensor(new int[]{1, 1, 8}, new float[]{0, 0, 9, 9, 9, 0, 18, 9});
        Tensor loc = new Tensor(new int[]{1, 8}, new float[8]);
        Tensor conf = new Tensor(new int[]{1, 4}, new float[]{0.1f, 0.9f, 0.2f, 0.8f});
        String params = "detection_output_param { num_classes: 2 background_label_id: 0 code_type: CENTER_SIZE "
                + "variance_encoded_in_target: true normalized_bbox: false nms_param { nms_threshold: %s } }";
        // Above the pixel IoU 0.1 both boxes stay; each decodes one pixel wider than its corners.
        Tensor both = runOne(layer(DET, "x0 x1 x2", "y", String.format(params, "0.11")), loc, conf, prior);
        assertRows(2, both, row(0, 1, 0.9, new double[]{0, 0, 10, 10}), row(0, 1, 0.8, new double[]{9, 0, 19, 10}));
        // Below it the weaker one is suppressed, where normalized boxes (touching: IoU 0) would keep it.
        Tensor one = runOne(layer(DET, "x0 x1 x2", "y", String.format(params, "0.09")), loc, conf, prior);
        assertRows(2, one, row(0, 1, 0.9, new double[]{0, 0, 10, 10}));
        Tensor normalized = runOne(layer(DET, "x0 x1 x2", "y", String.format(params, "0.09")
                .replace("normalized_bbox: false", "")), loc, conf, prior);
        assertRows(2, normalized, row(0, 1, 0.9, new double[]{0, 0, 9, 9}), row(0, 1, 0.8, new double[]{9, 0, 18, 9}));
    }

    @Test
    void rejectsBadParametersAndShapes() {
        Tensor p = priors(PRIORS, 0.1, 0.1, 0.2, 0.2);
        String f = "detection_output_param.";
        assertRejected(ShapeException.class, DET, f + "num_classes",
                layer(DET, "x0 x1 x2", "y", "detection_output_param { }"), loc(), conf(), p);
        assertRejected(ShapeException.class, DET, f + "num_classes",
                layer(DET, "x0 x1 x2", "y", "detection_output_param { num_classes: 0 }"), loc(), conf(), p);
        assertRejected(UnsupportedLayerException.class, DET, f + "background_label_id",
                det("background_label_id: -1"), loc(), conf(), p);
        assertRejected(ShapeException.class, DET, f + "nms_param.nms_threshold",
                det("nms_param { nms_threshold: -0.1 }"), loc(), conf(), p);
        assertRejected(ShapeException.class, DET, f + "nms_param.eta", det("nms_param { eta: 0 }"), loc(), conf(), p);
        assertRejected(ShapeException.class, DET, f + "nms_param.eta", det("nms_param { eta: 1.5 }"), loc(), conf(), p);
        assertRejected(ShapeException.class, DET, f + "confidence_threshold", det("confidence_threshold: nan"),
                loc(), conf(), p);
        assertRejected(UnsupportedLayerException.class, DET, f + "clip", det("normalized_bbox: false clip: true"),
                loc(), conf(), p);
        assertRejected(ShapeException.class, DET, "bottom[0]", det(""), new Tensor(new int[]{1, 8}, new float[8]),
                conf(), p);
        assertRejected(ShapeException.class, DET, "bottom[1]", det(""), loc(), new Tensor(new int[]{1, 6},
                new float[6]), p);
        assertRejected(ShapeException.class, DET, "bottom[1]", det(""), loc(), new Tensor(new int[]{2, 9},
                new float[18]), p);
        assertRejected(ShapeException.class, DET, "bottom[2]", det(""), loc(), conf(),
                new Tensor(new int[]{1, 1, 12}, new float[12]));
        assertRejected(ShapeException.class, DET, "bottom", layer(DET, "x0 x1", "y",
                "detection_output_param { num_classes: 3 }"), loc(), conf());
    }

    private static void assertTrue(boolean condition, String message) {
        org.junit.jupiter.api.Assertions.assertTrue(condition, message);
    }
}
