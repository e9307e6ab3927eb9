package org.caffe4j.verify;

import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.caffe4j.testing.GoldenAssertions.GOLDEN;
import static org.caffe4j.testing.GoldenAssertions.assertMatchesGolden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * chuanqi305's published MobileNet-SSD deploy.prototxt, loaded unchanged, with seeded weights (the caffemodel is
 * rebuilt here, bit for bit the one the goldens came from: assertMatchesGolden checks its SHA-256), against
 * OpenCV 4.6 on cat.jpg at 96x96: the prior boxes, both heads' concatenations and the detections as a set.
 */
class MobileNetSsdGoldenTest {
    @Test
    @Timeout(120)
    void headsAndDetectionsMatchOpenCv(@TempDir Path tmp) throws IOException {
        Path prototxt = Path.of("testdata", "mobilenet_ssd", "deploy.prototxt");
        Path weights = SeededCaffemodel.write(prototxt, LoadOptions.defaults(), 18,
                tmp.resolve("mobilenet_ssd_seeded.caffemodel"));
        Comparison c = assertMatchesGolden(prototxt, weights, GOLDEN.resolve("mobilenet_ssd_cat"));
        assertEquals(6, c.results().size());
        BlobResult detections = c.result("detection_out");
        assertTrue(detections.passed(), detections.toString());
        // The golden holds real detections (not only padding), so the set comparison has something to compare.
        float[] rows = GoldenSet.open(GOLDEN.resolve("mobilenet_ssd_cat")).read("detection_out").data();
        int real = 0;
        for (int r = 0; r < rows.length; r += 7) {
            real += rows[r + 2] > 0 ? 1 : 0;
        }
        assertEquals(3, real, "detections in the golden");
    }
}
