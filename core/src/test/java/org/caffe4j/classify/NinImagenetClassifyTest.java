package org.caffe4j.classify;

import org.caffe4j.files.Npy;
import org.caffe4j.preprocess.ImageDecoder;
import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.preprocess.Preprocessor;
import org.caffe4j.registry.ModelRegistry;
import org.caffe4j.registry.ModelSpec;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.NinTestModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nin-imagenet registry entry end to end on cat.jpg: the author's V1 train_val, resize 256 → centre crop 224,
 * BGR means, Softmax over pool4, ImageNet labels. The real weights are a 29 MB download, so the caffemodel is
 * {@link NinTestModel} (22 of 24 blobs real, conv4-1024/cccp7-1024 weights seeded), placed in the cache where
 * {@code fetch} would put the real one. Expected values come from OpenCV 4.6's forward pass on the same caffemodel
 * (testdata/golden/nin_imagenet_cat/pool4.npy); that golden input was resized in 8-bit by cv2, ours in float, so
 * inputs differ by up to 0.75 grey levels and probabilities are compared with a tolerance.
 */
class NinImagenetClassifyTest {
    private static final Path GOLDEN = Path.of("testdata/golden/nin_imagenet_cat");

    @TempDir
    Path cache;

    private static float[] softmax(float[] scores) {
        float[] p = scores.clone();
        Classifier.softmaxInPlace(p);
        return p;
    }

    private static int[] ranking(float[] p, int k) {
        return java.util.stream.IntStream.range(0, p.length).boxed()
                .sorted((a, b) -> Float.compare(p[b], p[a])).limit(k).mapToInt(Integer::intValue).toArray();
    }

    /** Two NIN forward passes in all (each takes seconds), so one test checks everything. */
    @Test
    void catThroughTheRegistryEntryMatchesOpenCvAndTheStepsByHand() throws Exception {
        ModelSpec nin = ModelRegistry.of(List.of(Path.of("models")), false, cache).get("nin-imagenet");
        Files.createDirectories(nin.weightsPath().getParent());
        Files.copy(NinTestModel.cachedCaffemodel(), nin.weightsPath());
        BufferedImage cat = ImageDecoder.read(Path.of("testdata/images/cat.jpg"));

        try (Classifier c = Classifier.load(nin, Classifier.Settings.defaults().withThreads(2).withFetchWeights(false), null)) {
            assertEquals("pool4", c.outputBlob());
            assertTrue(c.appliesSoftmax(), "pool4 holds scores");
            assertEquals(1000, c.labels().size());
            assertArrayEquals(new int[]{1, 3, 224, 224}, c.preprocessor().inputShape(1));

            List<Prediction> top = c.classify(cat, 5);

            // Against OpenCV: the same three leading classes, probabilities within 0.05.
            float[] opencv = softmax(Npy.read(GOLDEN.resolve("pool4.npy")).data());
            int[] opencvTop = ranking(opencv, 3);
            for (int r = 0; r < 3; r++) {
                Prediction pr = top.get(r);
                assertEquals(opencvTop[r], pr.index(), "rank " + (r + 1) + ": " + top);
                assertEquals(opencv[pr.index()], pr.probability(), 0.05, "probability of " + pr.label());
                assertEquals(nin.labels().get(pr.index()), pr.label());
            }

            // By hand, through the classifier's own model: the explicit preset, pool4, Softmax — the same numbers.
            PreprocessConfig preset = PreprocessConfig.builder().resize(256).crop(224)
                    .meanValues(104.007f, 116.669f, 122.679f).build();
            Tensor pool4 = c.model().run(Map.of("data", new Tensor(new int[]{1, 3, 224, 224},
                    new Preprocessor(preset).apply(cat))), Set.of("pool4")).get("pool4");
            assertArrayEquals(new int[]{1, 1000, 1, 1}, pool4.shape());
            float[] expected = softmax(pool4.data());
            assertEquals(1.0, sumOf(expected), 1e-4);
            assertArrayEquals(ranking(expected, 5), top.stream().mapToInt(Prediction::index).toArray());
            for (Prediction pr : top) {
                assertEquals(expected[pr.index()], pr.probability(), 1e-6f);
            }
        }
    }

    private static double sumOf(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }

    @Test
    void rankingHelperOrdersByProbability() {
        assertArrayEquals(new int[]{2, 0}, ranking(new float[]{0.3f, 0.1f, 0.6f}, 2));
        assertEquals(Arrays.toString(new int[]{1}), Arrays.toString(ranking(softmax(new float[]{1, 5, 2}), 1)));
    }
}
