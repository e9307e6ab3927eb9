package org.caffe4j.verify;

import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.caffe4j.testing.GoldenAssertions.GOLDEN;
import static org.caffe4j.testing.GoldenAssertions.assertMatchesGolden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Published SSD deploy files, loaded unchanged, with seeded weights (the caffemodel is rebuilt here, bit for bit the
 * one the goldens came from: assertMatchesGolden checks its SHA-256), against OpenCV 4.6 on cat.jpg at 96x96 (the
 * nets are fully convolutional): the priors, the heads' concatenations (and Normalize) and the detections as a set.
 */
class SsdNetsGoldenTest {
    /** deploy folder | seed | golden set | golden blobs | detections in the golden. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "mobilenet_ssd, 18, mobilenet_ssd_cat, 6, 3",
            "res10_face,     7, res10_face_cat,    7, 67"})
    @Timeout(120)
    void headsAndDetectionsMatchOpenCv(String net, long seed, String set, int blobs, int detections,
                                       @TempDir Path tmp) throws IOException {
        Path prototxt = Path.of("testdata", net, "deploy.prototxt");
        Path weights = SeededCaffemodel.write(prototxt, LoadOptions.defaults(), seed, tmp.resolve("seeded.caffemodel"));
        Comparison c = assertMatchesGolden(prototxt, weights, GOLDEN.resolve(set));
        assertEquals(blobs, c.results().size());
        BlobResult result = c.result("detection_out");
        assertTrue(result.passed(), result.toString());
        // The golden holds real detections (not only padding), so the set comparison has something to compare.
        float[] rows = GoldenSet.open(GOLDEN.resolve(set)).read("detection_out").data();
        int real = 0;
        for (int r = 0; r < rows.length; r += 7) {
            real += rows[r + 2] > 0 ? 1 : 0;
        }
        assertEquals(detections, real, "detections in the golden");
    }
}
