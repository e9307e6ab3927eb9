package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class PriorBoxOpTest extends OpTestBase {
    private static final String PRIOR = "PriorBox";

    /** The fork's boxes for one cell centre, in its order, written out independently in double. */
    private static void cell(List<Double> out, double cx, double cy, int minSize, Integer maxSize, double[] ratios,
                             double imgW, double imgH) {
        addBox(out, cx, cy, minSize, minSize, imgW, imgH);
        if (maxSize != null) {
            double side = Math.sqrt((double) minSize * maxSize);
            addBox(out, cx, cy, side, side, imgW, imgH);
        }
        for (double ar : ratios) {
            addBox(out, cx, cy, minSize * Math.sqrt(ar), minSize / Math.sqrt(ar), imgW, imgH);
        }
    }

    private static void addBox(List<Double> out, double cx, double cy, double w, double h, double imgW, double imgH) {
        out.add((cx - w / 2) / imgW);
        out.add((cy - h / 2) / imgH);
        out.add((cx + w / 2) / imgW);
        out.add((cy + h / 2) / imgH);
    }

    private static double[] withVariances(List<Double> boxes, double... variances) {
        double[] all = new double[boxes.size() * 2];
        for (int i = 0; i < boxes.size(); i++) {
            all[i] = boxes.get(i);
            all[boxes.size() + i] = variances.length == 1 ? variances[0] : variances[i % 4];
        }
        return all;
    }

    @Test
    void mobileNetSsdHeadBoxesFromTheImageBlob() {
        // As MobileNet-SSD's conv13 head: min 105, max 150, ratios 2 and 3 flipped, on a 3x2 map of a 60x40 image.
        Tensor feature = random(new Random(1), 1, 4, 2, 3);
        Tensor image = random(new Random(2), 1, 3, 40, 60);
        Tensor y = runOne(layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 105.0 max_size: 150.0 "
                + "aspect_ratio: 2.0 aspect_ratio: 3.0 flip: true clip: false variance: 0.1 variance: 0.1 "
                + "variance: 0.2 variance: 0.2 offset: 0.5 }"), feature, image);
        List<Double> boxes = new ArrayList<>();
        double stepW = 60.0 / 3, stepH = 40.0 / 2;
        for (int h = 0; h < 2; h++) {
            for (int w = 0; w < 3; w++) {
                cell(boxes, (w + 0.5) * stepW, (h + 0.5) * stepH, 105, 150, new double[]{2, 0.5, 3, 1 / 3.0}, 60, 40);
            }
        }
        assertTensor(Tolerance.CLOSE, new int[]{1, 2, 6 * 6 * 4}, withVariances(boxes, 0.1, 0.1, 0.2, 0.2), y);
    }

    @Test
    void forkSemanticsTruncatedSizesDuplicateRatiosClipAndExplicitGeometry() {
        // min_size 30.7 is 30 in the fork; ratio 1 and a repeated 2 add nothing; no flip; img_size and step given,
        // so bottom[1] is not needed; clip clamps the border boxes; offset 0.25; one variance for all.
        Tensor feature = random(new Random(3), 2, 1, 2, 2);
        Tensor y = runOne(layer(PRIOR, "x0", "y", "prior_box_param { min_size: 30.7 aspect_ratio: 1 "
                + "aspect_ratio: 2 aspect_ratio: 2.0000001 flip: false clip: true variance: 0.3 img_size: 64 "
                + "step: 24 offset: 0.25 }"), feature);
        List<Double> boxes = new ArrayList<>();
        for (int h = 0; h < 2; h++) {
            for (int w = 0; w < 2; w++) {
                cell(boxes, (w + 0.25) * 24, (h + 0.25) * 24, 30, null, new double[]{2}, 64, 64);
            }
        }
        boxes.replaceAll(v -> Math.min(Math.max(v, 0), 1));
        assertTensor(Tolerance.CLOSE, new int[]{1, 2, 4 * 2 * 4}, withVariances(boxes, 0.3), y);
    }

    @Test
    void separateHeightsWidthsAndTwoMinSizes() {
        Tensor feature = random(new Random(4), 1, 1, 1, 2);
        Tensor y = runOne(layer(PRIOR, "x0", "y", "prior_box_param { min_size: 10 min_size: 20 max_size: 15 "
                + "max_size: 40 img_h: 50 img_w: 80 step_h: 30 step_w: 35 }"), feature);
        List<Double> boxes = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            cell(boxes, (w + 0.5) * 35, 0.5 * 30, 10, 15, new double[0], 80, 50);
            cell(boxes, (w + 0.5) * 35, 0.5 * 30, 20, 40, new double[0], 80, 50);
        }
        assertTensor(Tolerance.CLOSE, new int[]{1, 2, 2 * 4 * 4}, withVariances(boxes, 0.1), y);
    }

    @Test
    void theBatchDoesNotChangeThePriors() {
        String params = "prior_box_param { min_size: 8 max_size: 16 aspect_ratio: 2 }";
        Tensor one = runOne(layer(PRIOR, "x0 x1", "y", params), random(new Random(5), 1, 2, 3, 3),
                random(new Random(6), 1, 3, 12, 12));
        Tensor three = runOne(layer(PRIOR, "x0 x1", "y", params), random(new Random(7), 3, 2, 3, 3),
                random(new Random(8), 3, 3, 12, 12));
        Tolerance.EXACT.assertClose("priors", one.data(), three.data());
    }

    @Test
    void rejectsBadParameters() {
        Tensor f = random(new Random(1), 1, 2, 3, 3);
        Tensor img = random(new Random(2), 1, 3, 9, 9);
        String pf = "prior_box_param.";
        assertRejected(ShapeException.class, PRIOR, pf + "min_size", layer(PRIOR, "x0 x1", "y", ""), f, img);
        assertRejected(ShapeException.class, PRIOR, pf + "min_size",
                layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 0.5 }"), f, img);
        assertRejected(ShapeException.class, PRIOR, pf + "max_size",
                layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 10 max_size: 10 }"), f, img);
        assertRejected(ShapeException.class, PRIOR, pf + "max_size",
                layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 10 max_size: 20 max_size: 30 }"), f, img);
        assertRejected(ShapeException.class, PRIOR, pf + "aspect_ratio",
                layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 10 aspect_ratio: 0 }"), f, img);
        assertRejected(ShapeException.class, PRIOR, pf + "variance",
                layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 10 variance: 0.1 variance: 0.2 }"), f, img);
        assertRejected(ShapeException.class, PRIOR, pf + "variance",
                layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 10 variance: -0.1 }"), f, img);
        assertRejected(ShapeException.class, PRIOR, pf + "img_size",
                layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 10 img_size: 9 img_h: 9 img_w: 9 }"), f, img);
        assertRejected(ShapeException.class, PRIOR, pf + "img_w",
                layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 10 img_h: 9 }"), f, img);
        assertRejected(ShapeException.class, PRIOR, pf + "step",
                layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 10 step: 3 step_h: 3 step_w: 3 }"), f, img);
        assertRejected(ShapeException.class, PRIOR, pf + "step_h",
                layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 10 step_h: 0 step_w: 3 }"), f, img);
        assertRejected(UnsupportedLayerException.class, PRIOR, pf + "width",
                layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 10 width: 4 }"), f, img);
        assertRejected(ShapeException.class, PRIOR, "bottom",
                layer(PRIOR, "x0", "y", "prior_box_param { min_size: 10 }"), f);
        assertRejected(ShapeException.class, PRIOR, "bottom[0]",
                layer(PRIOR, "x0 x1", "y", "prior_box_param { min_size: 10 }"), random(new Random(3), 1, 2, 3), img);
    }
}
