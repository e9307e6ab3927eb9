package org.caffe4j.classify;

import org.caffe4j.preprocess.ImageDecoder;
import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.preprocess.Preprocessor;
import org.caffe4j.registry.ModelRegistry;
import org.caffe4j.registry.ModelSpec;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.RandomWeights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The nin-imagenet registry entry wired end to end on cat.jpg: the author's V1 train_val, resize 256 → centre crop
 * 224, BGR means, Softmax over pool4, ImageNet labels. The real weights are a 29 MB download and the partially-real
 * NinTestModel is not on main yet, so the caffemodel here has seeded random weights (He scale): the test checks the
 * wiring against an independent assembly of the same steps, not the predicted class.
 */
class NinClassifierWiringTest {
    @TempDir
    static Path cache;
    static ModelSpec nin;
    static BufferedImage cat;

    @BeforeAll
    static void randomWeightsInTheCache() throws Exception {
        nin = ModelRegistry.of(List.of(Path.of("models")), false, cache).get("nin-imagenet");
        Path weights = nin.weightsPath();
        Files.createDirectories(weights.getParent());
        RandomWeights.write(nin.definitionPath(), LoadOptions.defaults().withChannels(3), 2014, weights);
        cat = ImageDecoder.read(Path.of("testdata/images/cat.jpg"));
    }

    private static PreprocessConfig ninPreset() {
        return PreprocessConfig.builder().resize(256).crop(224).meanValues(104.007f, 116.669f, 122.679f).build();
    }

    /** Two NIN forward passes in all (the runtime's reference kernels are slow), so one test does everything. */
    @Test
    void centreCropSoftmaxOverPool4AndImageNetLabels() throws Exception {
        try (Classifier c = Classifier.load(nin, Classifier.Settings.defaults().withThreads(2).withFetchWeights(false), null)) {
            assertEquals("pool4", c.outputBlob());
            assertTrue(c.appliesSoftmax(), "pool4 holds scores");
            assertEquals(1000, c.labels().size());
            assertArrayEquals(new int[]{1, 3, 224, 224}, c.preprocessor().inputShape(1));

            List<Prediction> top = c.classify(cat, 5);

            // By hand: the explicit preset, the runtime, pool4, Softmax.
            float[] input = new Preprocessor(ninPreset()).apply(cat);
            Tensor pool4 = c.model().run(Map.of("data", new Tensor(new int[]{1, 3, 224, 224}, input)), Set.of("pool4"))
                    .get("pool4");
            assertArrayEquals(new int[]{1, 1000, 1, 1}, pool4.shape());
            float[] expected = pool4.data().clone();
            Classifier.softmaxInPlace(expected);
            double sum = 0;
            int best = 0;
            for (int i = 0; i < expected.length; i++) {
                sum += expected[i];
                best = expected[i] > expected[best] ? i : best;
            }
            assertEquals(1.0, sum, 1e-4);

            assertEquals(5, top.size());
            assertEquals(best, top.get(0).index());
            for (int r = 0; r < top.size(); r++) {
                Prediction pr = top.get(r);
                assertEquals(nin.labels().get(pr.index()), pr.label());
                assertEquals(expected[pr.index()], pr.probability(), 1e-6f);
                if (r > 0) {
                    assertTrue(top.get(r - 1).probability() >= pr.probability());
                }
            }
        }
    }
}
