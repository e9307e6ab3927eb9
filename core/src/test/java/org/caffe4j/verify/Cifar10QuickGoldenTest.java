package org.caffe4j.verify;

import org.caffe4j.files.Npy;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.caffe4j.testing.GoldenAssertions.GOLDEN;
import static org.caffe4j.testing.GoldenAssertions.assertMatchesGolden;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class Cifar10QuickGoldenTest {
    private static final Path DIR = Path.of("testdata", "cifar10_quick");

    @Test
    void everyBlobOfTheV1NetMatchesOpenCvOnTwentyImages() throws IOException {
        assertMatchesGolden(DIR.resolve("cifar10_quick.prototxt"), DIR.resolve("cifar10_quick_iter_5000.caffemodel"),
                GOLDEN.resolve("cifar10_quick"));
    }

    @Test
    void predictionsEqualOpenCvsOnAllTwenty() throws IOException {
        GoldenSet golden = GoldenSet.open(GOLDEN.resolve("cifar10_quick"));
        Npy.Array x = golden.read("data");
        Npy.Array ref = golden.read("prob");
        float[] prob;
        try (Model m = Model.load(DIR.resolve("cifar10_quick.prototxt"), DIR.resolve("cifar10_quick_iter_5000.caffemodel"))) {
            prob = m.run(new Tensor(x.shape(), x.data())).data();
        }
        int n = x.shape()[0];
        int[] ours = new int[n];
        int[] opencv = new int[n];
        for (int i = 0; i < n; i++) {
            ours[i] = BlobComparator.topK(prob, i * 10, 10)[0];
            opencv[i] = BlobComparator.topK(ref.data(), i * 10, 10)[0];
        }
        assertArrayEquals(opencv, ours);
    }
}
