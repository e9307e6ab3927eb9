package org.caffe4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.caffe4j.classify.Classifier;
import org.caffe4j.detect.Detection;
import org.caffe4j.detect.Detector;
import org.caffe4j.preprocess.ImageDecoder;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark local[2] runs a MobileNet-SSD detector (seeded weights, as the core's SsdDetectorTest) over photos, and every
 * box is bit-identical to {@link Detector} in this JVM; a corrupt file lands in the error column.
 */
@Timeout(300)
class CaffeDetectorTest {
    @TempDir
    Path dir;

    /** A model folder as a user would write one: deploy prototxt, weights, labels and a manifest. */
    private Path detectorFolder() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("mobilenet-ssd-seeded"));
        Path prototxt = Files.copy(Path.of("testdata/mobilenet_ssd/deploy.prototxt"), folder.resolve("deploy.prototxt"));
        SeededCaffemodel.write(prototxt, LoadOptions.defaults(), 18, folder.resolve("seeded.caffemodel"));
        List<String> voc = List.of("background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat",
                "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
                "train", "tvmonitor");
        Files.write(folder.resolve("labels.txt"), voc);
        Files.writeString(folder.resolve("model.properties"), String.join("\n",
                "name=mobilenet-ssd-seeded", "description=MobileNet-SSD with seeded weights (a test)",
                "definition=deploy.prototxt", "weights.file=seeded.caffemodel", "labels=labels.txt",
                "output=detection_out", "softmax=false", "input.resize=96x96", "input.mean=127.5,127.5,127.5",
                "input.scale=0.007843", "licence=test data") + "\n");
        return folder;
    }

    @Test
    void boxesAreTheDetectorsBitForBitAndABadImageIsAnError() throws IOException {
        Path folder = detectorFolder();
        Path photos = Files.createDirectories(dir.resolve("photos"));
        for (String f : List.of("cat.jpg", "fish-bike.jpg", "cat_cmyk.jpg", "cat_exif6.jpg", "cat.png")) {
            Files.copy(Path.of("testdata/images", f), photos.resolve(f));
        }
        byte[] cat = Files.readAllBytes(Path.of("testdata/images/cat.jpg"));
        Files.write(photos.resolve("corrupt.jpg"), java.util.Arrays.copyOf(cat, 600));

        SparkSession spark = SparkSession.builder().master("local[2]").appName("caffe4j-test")
                .config("spark.ui.enabled", "false").getOrCreate();
        Dataset<Row> images = spark.read().format("binaryFile").load(photos.toString());
        List<Row> rows = new CaffeDetector().setModel(folder.toString()).setThreshold(0.01f).setThreads(2)
                .transform(images).select("path", "content", CaffeDetector.DETECTIONS, CaffeDetector.ERROR)
                .collectAsList();
        assertEquals(6, rows.size());

        int boxes = 0;
        try (Detector reference = Detector.load(ModelBundle.resolve(folder.toString()).spec(),
                Classifier.Settings.defaults().withThreads(1).withFetchWeights(false), null)) {
            for (Row row : rows) {
                String path = row.getString(0);
                if (path.endsWith("corrupt.jpg")) {
                    assertTrue(row.isNullAt(2), path);
                    assertTrue(row.getString(3).contains("corrupt.jpg"), row.getString(3));
                    continue;
                }
                assertNull(row.get(3), path + ": " + row.get(3));
                List<Detection> expected = reference.detect(ImageDecoder.decode(row.getAs(1), path), 0.01f);
                List<Row> found = row.getList(2);
                List<Detection> got = new ArrayList<>();
                for (Row d : found) {
                    got.add(new Detection(d.getString(0), d.getInt(1), d.getFloat(2), d.getDouble(3), d.getDouble(4),
                            d.getDouble(5), d.getDouble(6)));
                }
                assertEquals(expected, got, path);
                boxes += got.size();
            }
        }
        assertTrue(boxes > 0, "the seeded detector finds something above 0.01 in these photos");
    }

    @Test
    void aMissingColumnOrModelFailsOnTheDriver() {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("caffe4j-test")
                .config("spark.ui.enabled", "false").getOrCreate();
        Dataset<Row> noContent = spark.range(1).toDF("id");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CaffeDetector().setModel("x").transform(noContent));
        assertTrue(e.getMessage().contains("no column 'content'"), e.getMessage());
    }
}
