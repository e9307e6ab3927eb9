package org.caffe4j.ops;

import org.caffe4j.CaffeModelException;
import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class RoiPoolingOpTest extends OpTestBase {
    private static final String ROI = "ROIPooling";
    private static final String PF = "roi_pooling_param.";

    /** 2 images x 2 channels of 4 x 4: 100 * image + 50 * channel + 4 * row + column + 1 (all positive). */
    private static Tensor features() {
        float[] d = new float[2 * 2 * 4 * 4];
        int i = 0;
        for (int b = 0; b < 2; b++) {
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        d[i++] = 100 * b + 50 * c + 4 * y + x + 1;
                    }
                }
            }
        }
        return new Tensor(new int[]{2, 2, 4, 4}, d);
    }

    /**
     * The ROIs are data, not random values (OpTestBase's decoy run would give batch indices out of range), so this
     * runs the layer itself: the reference and normal planners on 1 and 2 threads must agree exactly.
     */
    private static Tensor runRois(String layerText, Tensor features, Tensor rois) {
        Tensor first = null;
        for (boolean reference : new boolean[]{true, false}) {
            for (int threads = 1; threads <= 2; threads++) {
                try (Model m = load(layerText, List.of(), reference, threads, features, rois)) {
                    Map<String, Tensor> out = m.run(named(features, rois));
                    Tensor y = out.get("y");
                    if (first == null) {
                        first = y;
                    } else {
                        assertArrayEquals(first.data(), y.data(), "reference=" + reference + " threads=" + threads);
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return first;
    }

    @Test
    void forkRoundingBinsClippingEmptyBinsAndBatchIndex() {
        Tensor rois = new Tensor(new int[]{4, 5}, new float[]{
                // The whole map at scale 0.5 would be [0, 0, 7, 7]; here scale 0.5 throughout:
                // x 1 -> 0.5 -> 1, y 3 -> 1.5 -> 2, x 5 -> 2.5 -> 3, y 6.9 -> 3.45 -> 3 (C rounds halves up in
                // magnitude): a 3 wide, 2 high ROI, bins 1.5 wide: columns [1, 3) and [2, 4), rows 2 and 3.
                0, 1, 3, 5, 6.9f,
                // -2.5 -> -3 and -0.5 -> -1 (Java's Math.round would give -2 and 0): every bin lies left of/above
                // the map, so every bin is empty and gives 0.
                0, -5, -5, -1, -1,
                // Batch index 1.7 truncates to image 1; a 1 x 1 ROI at (0, 0): every bin is that cell.
                1.7f, 0, 0, 0, 0,
                // Past the map's far corner: start 2, 49 cells, bins 24.5: the first bin [2, 27) clips to [2, 4),
                // the second [26, 51) lies beyond the map and is empty.
                0, 4, 4, 100, 100});
        Tensor y = runRois(layer(ROI, "x0 x1", "y", "roi_pooling_param { pooled_h: 2 pooled_w: 2 "
                + "spatial_scale: 0.5 }"), features(), rois);
        double[] expected = {
                11, 12, 15, 16, 61, 62, 65, 66,
                0, 0, 0, 0, 0, 0, 0, 0,
                101, 101, 101, 101, 151, 151, 151, 151,
                16, 0, 0, 0, 66, 0, 0, 0};
        assertTensor(Tolerance.EXACT, new int[]{4, 2, 2, 2}, expected, y);
    }

    @Test
    void wholeMapAtScaleOneAndTheForksFourAxisRois() {
        // [0, 0, 0, 3, 3]: 4 x 4 cells in a 2 x 3 grid: rows [0, 2) and [2, 4), columns [0, 2), [1, 3), [2, 4).
        Tensor rois = new Tensor(new int[]{1, 5, 1, 1}, new float[]{0, 0, 0, 3, 3});
        Tensor y = runRois(layer(ROI, "x0 x1", "y", "roi_pooling_param { pooled_h: 2 pooled_w: 3 }"), features(),
                rois);
        assertTensor(Tolerance.EXACT, new int[]{1, 2, 2, 3}, new double[]{6, 7, 8, 14, 15, 16, 56, 57, 58, 64, 65, 66},
                y);
    }

    @Test
    void badParametersAndShapesAreRefusedAtLoad() {
        Tensor f = features();
        Tensor rois = new Tensor(new int[]{1, 5}, new float[]{0, 0, 0, 3, 3});
        assertRejected(ShapeException.class, ROI, PF + "pooled_h", layer(ROI, "x0 x1", "y",
                "roi_pooling_param { pooled_w: 2 }"), f, rois);
        assertRejected(ShapeException.class, ROI, PF + "pooled_w", layer(ROI, "x0 x1", "y",
                "roi_pooling_param { pooled_h: 2 pooled_w: 4294967295 }"), f, rois);
        for (String scale : new String[]{"0", "-0.0625", "inf", "nan"}) {
            assertRejected(ShapeException.class, ROI, PF + "spatial_scale", layer(ROI, "x0 x1", "y",
                    "roi_pooling_param { pooled_h: 2 pooled_w: 2 spatial_scale: " + scale + " }"), f, rois);
        }
        String ok = "roi_pooling_param { pooled_h: 2 pooled_w: 2 }";
        assertRejected(ShapeException.class, ROI, "bottom", layer(ROI, "x0", "y", ok), f);
        assertRejected(ShapeException.class, ROI, "bottom[1]", layer(ROI, "x0 x1", "y", ok), f,
                new Tensor(new int[]{1, 4}, new float[]{0, 0, 3, 3}));
        assertRejected(ShapeException.class, ROI, "bottom[0]", layer(ROI, "x0 x1", "y", ok),
                new Tensor(new int[]{2, 4, 4}, new float[32]), rois);
    }

    @Test
    void roisTheForkCannotIndexAreRefusedWhenRun() {
        String ok = layer(ROI, "x0 x1", "y", "roi_pooling_param { pooled_h: 2 pooled_w: 2 }");
        float[][] bad = {
                {2, 0, 0, 3, 3},        // batch index 2 of a batch of 2
                {-1, 0, 0, 3, 3},       // truncates to -1
                {Float.NaN, 0, 0, 3, 3},
                {0, 0, Float.NaN, 3, 3},
                {0, 0, 0, 3e9f, 3},     // does not round to an int
                {0, Float.NEGATIVE_INFINITY, 0, 3, 3}};
        for (float[] row : bad) {
            Tensor rois = new Tensor(new int[]{2, 5}, new float[]{0, 0, 0, 1, 1, row[0], row[1], row[2], row[3], row[4]});
            CaffeModelException e = assertRejected(CaffeModelException.class, ROI, "bottom[1] ROI 1", ok, features(),
                    rois);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("batch_index"), e.getMessage());
        }
    }
}
