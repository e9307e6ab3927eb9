package org.caffe4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.caffe4j.classify.Classifier;
import org.caffe4j.classify.Prediction;
import org.caffe4j.registry.CacheDir;
import org.caffe4j.registry.ModelRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark local[2] classifies 40 images with the two bundled models through a Pipeline, and every label, index and
 * probability is bit-identical to {@link Classifier} in this JVM; the corrupt file lands in the error column.
 */
@Timeout(300)
class CaffeClassifierTest {
    static SparkSession spark;

    @TempDir
    static Path images;

    @BeforeAll
    static void start() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("caffe4j-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        Path colour = Files.createDirectories(images.resolve("colour"));
        for (Path p : list(Path.of("testdata/cifar10"), ".ppm")) {
            Files.copy(p, colour.resolve(p.getFileName()));
        }
        for (String f : List.of("cat.jpg", "fish-bike.jpg", "cat.png", "cat_cmyk.jpg", "cat_exif6.jpg")) {
            Files.copy(Path.of("testdata/images", f), colour.resolve(f));
        }
        byte[] cat = Files.readAllBytes(Path.of("testdata/images/cat.jpg"));
        Files.write(colour.resolve("corrupt.jpg"), java.util.Arrays.copyOf(cat, 600));
        Files.write(colour.resolve("not_an_image.png"), "hello".getBytes());
        Path digits = Files.createDirectories(images.resolve("digits"));
        for (Path p : list(Path.of("testdata/mnist"), ".pgm")) {
            Files.copy(p, digits.resolve(p.getFileName()));
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static List<Path> list(Path folder, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static Dataset<Row> binaryFiles(Path folder) {
        return spark.read().format("binaryFile").load(folder.toString());
    }

    @Test
    void fortyImagesGiveClassifiersBitsAndBadFilesLandInTheErrorColumn() throws IOException {
        int rows = 0;
        for (String[] run : new String[][] {{"cifar10-quick", "colour"}, {"lenet-mnist", "digits"}}) {
            CaffeClassifier stage = new CaffeClassifier().setModel(run[0]).setTopK(3).setBatchSize(4);
            // As a user would: one stage of a Pipeline.
            Dataset<Row> out = new Pipeline().setStages(new PipelineStage[] {stage}).fit(binaryFiles(images.resolve(run[1])))
                    .transform(binaryFiles(images.resolve(run[1])));
            Map<String, Row> byFile = new HashMap<>();
            for (Row r : out.select("path", CaffeClassifier.LABELS, CaffeClassifier.INDICES, CaffeClassifier.PROBABILITIES,
                    CaffeClassifier.ERROR).collectAsList()) {
                byFile.put(Path.of(java.net.URI.create(r.getString(0))).getFileName().toString(), r);
            }
            try (Classifier reference = Classifier.load(ModelRegistry.standard(List.of(), CacheDir.defaultRoot()).get(run[0]),
                    Classifier.Settings.defaults().withThreads(1), null)) {
                List<Path> files;
                try (Stream<Path> s = Files.list(images.resolve(run[1]))) {
                    files = s.sorted().toList();
                }
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    Row r = byFile.get(name);
                    assertNotNull(r, name);
                    if (name.equals("corrupt.jpg") || name.equals("not_an_image.png")) {
                        assertNull(r.get(1), name);
                        String error = r.getString(4);
                        assertNotNull(error, name);
                        assertTrue(error.contains(name), error);
                        continue;
                    }
                    assertNull(r.get(4), name + ": " + r.get(4));
                    List<Prediction> expected = reference.classify(f, 3);
                    List<String> labels = r.getList(1);
                    List<Integer> indices = r.getList(2);
                    List<Float> probabilities = r.getList(3);
                    assertEquals(3, labels.size(), name);
                    for (int k = 0; k < 3; k++) {
                        assertEquals(expected.get(k).label(), labels.get(k), name);
                        assertEquals(expected.get(k).index(), indices.get(k), name);
                        assertEquals(Float.floatToRawIntBits(expected.get(k).probability()),
                                Float.floatToRawIntBits(probabilities.get(k)), name + " rank " + (k + 1));
                    }
                    rows++;
                }
            }
        }
        assertEquals(35, rows, "20 CIFAR-10 + 5 photos + 10 digits classified");
    }

    @Test
    void theExifRotatedJpegIsTurnedUprightBeforeClassifying() throws IOException {
        // Spark's own image source ignores EXIF orientation; the transformer decodes the bytes itself.
        java.awt.image.BufferedImage upright = org.caffe4j.preprocess.ImageDecoder.decode(
                Files.readAllBytes(Path.of("testdata/images/cat_exif6.jpg")), "cat_exif6.jpg");
        assertEquals(72, upright.getWidth());
        assertEquals(96, upright.getHeight());
    }

    @Test
    void wrongColumnsAndAMissingModelAreRefusedBeforeAnyTaskRuns() {
        Dataset<Row> files = binaryFiles(images.resolve("digits"));
        var noModel = assertThrows(IllegalArgumentException.class, () -> new CaffeClassifier().transform(files));
        assertTrue(noModel.getMessage().contains("set the model"), noModel.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> new CaffeClassifier().setModel("no-such-model").transform(files));
        assertTrue(unknown.getMessage().contains("unknown model 'no-such-model'"), unknown.getMessage());
        var column = assertThrows(IllegalArgumentException.class,
                () -> new CaffeClassifier().setModel("lenet-mnist").setInputCol("bytes").transform(files));
        assertTrue(column.getMessage().contains("no column 'bytes'"), column.getMessage());
        var type = assertThrows(IllegalArgumentException.class,
                () -> new CaffeClassifier().setModel("lenet-mnist").setInputCol("length").transform(files));
        assertTrue(type.getMessage().contains("column 'length' is bigint, not binary"), type.getMessage());
    }

    @Test
    void copiesKeepTheirParameters() {
        CaffeClassifier a = new CaffeClassifier().setModel("lenet-mnist").setTopK(2);
        CaffeClassifier b = a.copy(new org.apache.spark.ml.param.ParamMap());
        assertEquals(a.uid(), b.uid());
        assertEquals("lenet-mnist", b.getOrDefault(b.model()));
        assertEquals(2, (Integer) b.getOrDefault(b.topK()));
        List<String> names = new ArrayList<>();
        for (org.apache.spark.ml.param.Param<?> p : b.params()) {
            names.add(p.name());
        }
        assertEquals(List.of("batchSize", "inputCol", "model", "pathCol", "threads", "topK"), names);
    }
}
