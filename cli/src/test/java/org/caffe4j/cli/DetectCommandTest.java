package org.caffe4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.caffe4j.classify.Classifier;
import org.caffe4j.detect.Detection;
import org.caffe4j.detect.Detector;
import org.caffe4j.preprocess.ImageDecoder;
import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.proto.Caffe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * detect and the Detector API on a net whose detection output is a constant (an InnerProduct with zero weights and
 * the rows as its bias, reshaped to 1x1xNx7): the boxes it must print are known exactly, whatever the image.
 */
class DetectCommandTest {
    /** [image_id, label, score, xmin, ymin, xmax, ymax]; the last row is SSD's "nothing here" padding. */
    static final float[][] ROWS = {
            {0, 2, 0.9f, 0.1f, 0.2f, 0.5f, 0.6f},
            {0, 1, 0.3f, 0f, 0f, 1f, 1f},
            {-1, 0, 0, 0, 0, 0, 0}};

    @TempDir
    static Path dir;
    static Path net;
    static Path weights;
    static Path labels;

    @BeforeAll
    static void constantDetector() throws IOException {
        net = dir.resolve("detector.prototxt");
        Files.writeString(net, """
                name: "constant-detector"
                layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 30 dim: 40 } } }
                layer { name: "fc" type: "InnerProduct" bottom: "data" top: "fc" inner_product_param { num_output: 21 } }
                layer { name: "detection_out" type: "Reshape" bottom: "fc" top: "detection_out"
                        reshape_param { shape { dim: 1 dim: 1 dim: -1 dim: 7 } } }
                """);
        Caffe.BlobProto.Builder w = Caffe.BlobProto.newBuilder()
                .setShape(Caffe.BlobShape.newBuilder().addDim(21).addDim(3 * 30 * 40));
        for (int i = 0; i < 21 * 3 * 30 * 40; i++) {
            w.addData(0f);
        }
        Caffe.BlobProto.Builder b = Caffe.BlobProto.newBuilder().setShape(Caffe.BlobShape.newBuilder().addDim(21));
        for (float[] row : ROWS) {
            for (float v : row) {
                b.addData(v);
            }
        }
        weights = dir.resolve("detector.caffemodel");
        Files.write(weights, Caffe.NetParameter.newBuilder().setName("constant-detector").addLayer(
                Caffe.LayerParameter.newBuilder().setName("fc").setType("InnerProduct").addBlobs(w).addBlobs(b))
                .build().toByteArray());
        labels = dir.resolve("labels.txt");
        Files.writeString(labels, "background\ncat\ndog, large\n");
    }

    @Test
    void boxesComeBackInTheImagesPixelsHighestScoreFirst() throws IOException {
        try (Detector d = Detector.load(net, weights, Classifier.readLabels(labels), PreprocessConfig.builder().build(),
                null, Classifier.Settings.defaults().withThreads(1))) {
            BufferedImage cat = d.read(Path.of("testdata/images/cat.jpg"));
            assertEquals(480, cat.getWidth());
            assertEquals(360, cat.getHeight());
            List<Detection> strong = d.detect(cat, 0.5f);
            assertEquals(List.of(new Detection("dog, large", 2, 0.9f, 0.1f * 480.0, 0.2f * 360.0, 0.5f * 480.0,
                    0.6f * 360.0)), strong);
            List<Detection> all = d.detect(cat, 0f);
            assertEquals(2, all.size(), "the padding row (image id -1) is never a detection: " + all);
            assertEquals("cat", all.get(1).label());
            assertEquals(480.0, all.get(1).xmax(), 1e-9);

            BufferedImage drawn = Detector.annotate(cat, strong);
            assertEquals(cat.getWidth(), drawn.getWidth());
            int x = (int) Math.round(0.1 * 480), y = (int) Math.round(0.4 * 360);
            assertNotEquals(cat.getRGB(x, y), drawn.getRGB(x, y), "the box's left edge is drawn");
            assertEquals(cat.getRGB(300, 300), drawn.getRGB(300, 300), "outside the box the image is unchanged");
        }
    }

    @Test
    void csvJsonAndAnnotatedImages(@TempDir Path out) throws IOException {
        CliRun csv = CliRun.of("detect", net.toString(), weights.toString(), "testdata/images/cat.jpg", "--labels",
                labels.toString(), "--threshold", "0.2", "--csv", "--annotate", out.toString(), "--threads", "1");
        assertEquals(0, csv.code(), csv.toString());
        assertEquals("""
                file,index,label,score,xmin,ymin,xmax,ymax
                testdata/images/cat.jpg,2,"dog, large",0.9,48.00,72.00,240.00,216.00
                testdata/images/cat.jpg,1,cat,0.3,0.00,0.00,480.00,360.00
                """, csv.out());
        assertEquals("", csv.err());
        BufferedImage png = ImageDecoder.read(out.resolve("cat.png"));
        assertEquals(480, png.getWidth());

        CliRun json = CliRun.of("detect", net.toString(), weights.toString(), "testdata/images/cat.jpg", "--json");
        assertEquals(0, json.code(), json.toString());
        assertTrue(json.out().startsWith("{\"file\": \"testdata/images/cat.jpg\", \"detections\": [{\"index\": 2, "
                + "\"label\": \"2\", \"score\": 0.9, \"box\": [48.0000"), json.out());
        assertEquals(1, json.out().lines().count());

        CliRun text = CliRun.of("detect", net.toString(), weights.toString(), "testdata/images/cat.jpg");
        assertEquals("testdata/images/cat.jpg\n  0.9000  2  [48.0, 72.0, 240.0, 216.0]\n", text.out());
    }

    @Test
    void badImagesAndBadOutputsAreOneErrorLineEach(@TempDir Path in) throws IOException {
        Files.copy(Path.of("testdata/images/cat.jpg"), in.resolve("a.jpg"));
        Files.writeString(in.resolve("b.jpg"), "not a jpeg");
        CliRun run = CliRun.of("detect", net.toString(), weights.toString(), in.toString());
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.out().startsWith(in.resolve("a.jpg") + "\n  0.9000"), run.toString());
        assertTrue(run.err().startsWith("error: " + in.resolve("b.jpg") + ": "), run.toString());
        assertEquals(2, run.err().lines().count(), run.toString());

        CliRun notRows = CliRun.of("detect", net.toString(), weights.toString(), "testdata/images/cat.jpg", "--output", "fc");
        assertEquals(2, notRows.code(), notRows.toString());
        assertTrue(notRows.err().contains("output 'fc' has shape 1x21; a detection output has rows of 7 values"),
                notRows.toString());

        CliRun threshold = CliRun.of("detect", net.toString(), weights.toString(), "testdata/images/cat.jpg",
                "--threshold", "1.5");
        assertEquals(2, threshold.code());
        assertEquals("error: --threshold must be between 0 and 1, got 1.5\n", threshold.err());

        CliRun help = CliRun.of("detect", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--annotate=DIR"), help.out());
    }
}
