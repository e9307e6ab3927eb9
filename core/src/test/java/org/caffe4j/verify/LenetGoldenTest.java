package org.caffe4j.verify;

import org.caffe4j.files.Npy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.caffe4j.testing.GoldenAssertions.GOLDEN;
import static org.caffe4j.testing.GoldenAssertions.assertMatchesGolden;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LenetGoldenTest {
    @Test
    void everyBlobMatchesOpenCvOnTheFirstFourDigits() throws IOException {
        Path dir = Path.of("testdata", "lenet_mnist");
        Comparison c = assertMatchesGolden(dir.resolve("lenet.prototxt"), dir.resolve("lenet_iter_10000.caffemodel"),
                GOLDEN.resolve("lenet_mnist"));
        assertEquals(8, c.results().size(), "data, conv1, pool1, conv2, pool2, ip1, ip2, prob");
        assertEquals(Boolean.TRUE, c.result("prob").top5());
        // OpenCV's own predictions on these digits are the published labels 7 2 1 0.
        Npy.Array prob = GoldenSet.open(GOLDEN.resolve("lenet_mnist")).read("prob");
        int[] labels = {7, 2, 1, 0};
        for (int i = 0; i < 4; i++) {
            assertEquals(labels[i], BlobComparator.topK(prob.data(), i * 10, 10)[0]);
        }
    }
}
