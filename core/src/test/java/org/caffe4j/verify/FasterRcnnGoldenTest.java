package org.caffe4j.verify;

import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.caffe4j.testing.GoldenAssertions.GOLDEN;
import static org.caffe4j.testing.GoldenAssertions.assertMatchesGolden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faster R-CNN end to end: OpenCV's deploy of py-faster-rcnn's ZF net as published (testdata/faster_rcnn: two inputs,
 * LRN, Proposal, ROIPooling, caffe-fast-rcnn's Dropout scale_train, Slice/Reshape, DetectionOutput with pixel boxes)
 * on seeded weights against the NumPy pass (OpenCV 4.6's Proposal skips py-faster-rcnn's min_size filter).
 */
class FasterRcnnGoldenTest {
    @Test
    @Timeout(180)
    void zfNetMatchesTheReference(@TempDir Path tmp) throws IOException {
        Path prototxt = Path.of("testdata", "faster_rcnn", "faster_rcnn_zf.prototxt");
        LoadOptions options = LoadOptions.defaults().withInputShapes(Map.of("data", new int[]{1, 3, 128, 128}));
        Path weights = SeededCaffemodel.write(prototxt, options, 38, tmp.resolve("seeded.caffemodel"));
        Path set = GOLDEN.resolve("faster_rcnn_zf_cat");
        Comparison c = assertMatchesGolden(prototxt, weights, set, options);
        assertEquals(6, c.results().size());
        // Real proposals and real detections, not only padding, so that the comparison has something to compare.
        float[] rois = GoldenSet.open(set).read("rois").data();
        int proposals = 0;
        for (int r = 0; r < rois.length; r += 5) {
            proposals += rois[r + 3] > 0 ? 1 : 0;
        }
        assertTrue(proposals >= 10, proposals + " proposals");
        float[] rows = GoldenSet.open(set).read("detection_out").data();
        int detections = 0;
        for (int r = 0; r < rows.length; r += 7) {
            detections += rows[r + 2] > 0 ? 1 : 0;
        }
        assertEquals(100, detections, "keep_top_k detections in the golden");
    }
}
