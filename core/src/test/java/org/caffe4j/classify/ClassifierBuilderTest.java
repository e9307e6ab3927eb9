package org.caffe4j.classify;

import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.runtime.Model;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builders load what the static loaders load, bit for bit, and refuse an incomplete description. */
class ClassifierBuilderTest {
    private static final Path NET = Path.of("models/lenet-mnist/lenet.prototxt");
    private static final Path WEIGHTS = Path.of("models/lenet-mnist/lenet_iter_10000.caffemodel");
    private static final Path DIGIT = Path.of("testdata/mnist/t10k_01_label2.pgm");
    private static final PreprocessConfig MNIST = PreprocessConfig.builder().grayscale().resize(28, 28)
            .scale(0.00390625f).build();

    @Test
    void aRegisteredModelByName() throws IOException {
        try (Classifier built = Classifier.builder().model("lenet-mnist").threads(2).build();
             Classifier loaded = Classifier.load("lenet-mnist", Classifier.Settings.defaults().withThreads(2))) {
            assertEquals(loaded.classify(DIGIT, 10), built.classify(DIGIT, 10));
            assertEquals("2", built.classify(DIGIT, 1).get(0).label());
        }
    }

    @Test
    void ownFilesAndStreamsWithLabelsPreprocessingAndOutput() throws IOException {
        List<String> labels = Classifier.readLabels(Path.of("models/lenet-mnist/labels.txt"));
        try (Classifier built = Classifier.builder().files(NET, WEIGHTS).labels(Path.of("models/lenet-mnist/labels.txt"))
                .preprocess(MNIST).output("prob").threads(1).build();
             Classifier loaded = Classifier.load(NET, WEIGHTS, labels, MNIST, "prob",
                     Classifier.Settings.defaults().withThreads(1));
             InputStream net = Files.newInputStream(NET); InputStream w = Files.newInputStream(WEIGHTS);
             Classifier streamed = Classifier.builder().streams(net, w).labels(labels).preprocess(MNIST).threads(1)
                     .build()) {
            assertEquals(loaded.classify(DIGIT, 5), built.classify(DIGIT, 5));
            assertEquals(loaded.classify(DIGIT, 5), streamed.classify(DIGIT, 5));
        }
    }

    @Test
    void aOneShotClassifierLoadsAOneShotModelAndGivesTheSameAnswers() throws IOException {
        Classifier.Settings oneShot = Classifier.Settings.defaults().withThreads(1).withOneShot(true);
        assertTrue(Classifier.loadOptions(oneShot, MNIST).oneShot());
        assertTrue(!Classifier.loadOptions(oneShot.withOneShot(false), MNIST).oneShot());
        assertTrue(!Classifier.loadOptions(Classifier.Settings.defaults(), MNIST).oneShot());
        try (Classifier quick = Classifier.builder().model("lenet-mnist").oneShot(true).threads(1).build();
             Classifier usual = Classifier.builder().model("lenet-mnist").threads(1).build()) {
            assertEquals(usual.classify(DIGIT, 10), quick.classify(DIGIT, 10));
        }
    }

    @Test
    void aRegisteredModelWithOtherLabels() throws IOException {
        List<String> words = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine");
        try (Classifier c = Classifier.builder().model("lenet-mnist").labels(words).threads(1).build()) {
            assertEquals("two", c.classify(DIGIT, 1).get(0).label());
        }
    }

    @Test
    void anIncompleteDescriptionIsRefused() {
        assertTrue(assertThrows(IllegalStateException.class, () -> Classifier.builder().threads(1).build())
                .getMessage().contains("no model to load"));
        assertTrue(assertThrows(IllegalStateException.class, () -> Classifier.builder().files(NET, WEIGHTS).build())
                .getMessage().contains("preprocess"));
        assertTrue(assertThrows(IllegalStateException.class, () -> Model.builder().batch(2).build())
                .getMessage().contains("no net to load"));
        assertThrows(IllegalArgumentException.class, () -> Model.builder().threads(0));
    }

    @Test
    void modelBuilderSetsBatchAndInputShapes() throws IOException {
        try (Model m = Model.builder().files(NET, WEIGHTS).batch(3).threads(1).build()) {
            assertArrayEquals(new int[]{3, 1, 28, 28}, m.inputShape("data"));
        }
        try (InputStream net = Files.newInputStream(NET); InputStream w = Files.newInputStream(WEIGHTS);
             Model m = Model.builder().streams(net, w).inputShape("data", 2, 1, 28, 28).build()) {
            assertArrayEquals(new int[]{2, 1, 28, 28}, m.inputShape("data"));
        }
    }
}
