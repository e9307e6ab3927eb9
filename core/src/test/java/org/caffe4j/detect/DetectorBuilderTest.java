package org.caffe4j.detect;

import org.caffe4j.classify.Classifier;
import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectorBuilderTest {
    @Test
    void ownFilesGiveTheStaticLoadersBoxes(@TempDir Path tmp) throws IOException {
        Path prototxt = Path.of("testdata/res10_face/deploy.prototxt");
        Path weights = SeededCaffemodel.write(prototxt, LoadOptions.defaults(), 7, tmp.resolve("seeded.caffemodel"));
        PreprocessConfig config = PreprocessConfig.builder().resize(96, 96).meanValues(104, 177, 123).build();
        Path cat = Path.of("testdata/images/cat.jpg");
        try (Detector loaded = Detector.load(prototxt, weights, List.of("background", "face"), config, "detection_out",
                Classifier.Settings.defaults().withThreads(2));
             Detector built = Detector.builder().files(prototxt, weights).labels(List.of("background", "face"))
                     .preprocess(config).output("detection_out").threads(2).build()) {
            List<Detection> expected = loaded.detect(cat, 0f);
            assertTrue(!expected.isEmpty());
            assertEquals(expected, built.detect(cat, 0f));
        }
    }

    @Test
    void anIncompleteDescriptionIsRefused() {
        assertTrue(assertThrows(IllegalStateException.class, () -> Detector.builder().build()).getMessage()
                .contains("no model to load"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> Detector.builder().files(Path.of("a.prototxt"), Path.of("b.caffemodel")).build()).getMessage()
                .contains("preprocess"));
    }
}
