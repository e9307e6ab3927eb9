package org.caffe4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.caffe4j.classify.Classifier;
import org.caffe4j.detect.Detection;
import org.caffe4j.detect.Detector;
import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Detector} end to end on the published SSD deploy files with the goldens' seeded weights: the golden's 96x96
 * input image, preprocessed by caffe4j as MobileNet-SSD's demo.py does ((x - 127.5) x 0.007843, BGR), gives the boxes
 * of OpenCV 4.6's DetectionOutput: same count, coordinates within 1e-4 of the image size; and an annotated image.
 */
class SsdDetectorTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"mobilenet_ssd, 18, mobilenet_ssd_cat", "res10_face, 7, res10_face_cat"})
    @Timeout(120)
    void detectorBoxesAreOpenCvsDetectionsInImagePixels(String net, long seed, String set, @TempDir Path tmp)
            throws IOException {
        Path prototxt = Path.of("testdata", net, "deploy.prototxt");
        Path weights = SeededCaffemodel.write(prototxt, LoadOptions.defaults(), seed, tmp.resolve("seeded.caffemodel"));
        PreprocessConfig demo = PreprocessConfig.builder().resize(96, 96).meanValues(127.5f, 127.5f, 127.5f)
                .scale(0.007843f).build();
        float[] golden = GoldenSet.open(Path.of("testdata/golden", set)).read("detection_out").data();
        try (Detector d = Detector.load(prototxt, weights, List.of(), demo, "detection_out",
                Classifier.Settings.defaults().withThreads(2))) {
            // The golden's input is cat.jpg resized by cv2.resize on 8-bit pixels (demo.py), which rounds where caffe4j's
            // Caffe-style resize keeps floats: the image here is those 96x96 pixels themselves, recovered from data.npy.
            BufferedImage cat = pixelsOf(GoldenSet.open(Path.of("testdata/golden", set)).read("data").data(), 96, 96);
            double w = cat.getWidth(), h = cat.getHeight();
            List<Detection> found = new ArrayList<>(d.detect(cat, 0f));
            // OpenCV 4.6 fills unused rows with zeros: its detections are the rows with a positive score.
            List<float[]> expected = new ArrayList<>();
            for (int r = 0; r + 7 <= golden.length; r += 7) {
                if (golden[r + 2] > 0) {
                    expected.add(java.util.Arrays.copyOfRange(golden, r, r + 7));
                }
            }
            assertTrue(expected.size() > 0);
            assertEquals(expected.size(), found.size(), "detections");
            double tol = 1e-4 * Math.max(w, h);
            for (float[] e : expected) {
                Detection match = null;
                for (Detection x : found) {
                    if (x.index() == (int) e[1] && Math.abs(x.score() - e[2]) < 1e-4
                            && Math.abs(x.xmin() - e[3] * w) < tol && Math.abs(x.ymin() - e[4] * h) < tol
                            && Math.abs(x.xmax() - e[5] * w) < tol && Math.abs(x.ymax() - e[6] * h) < tol) {
                        match = x;
                        break;
                    }
                }
                assertTrue(match != null, "no caffe4j box for OpenCV's " + java.util.Arrays.toString(e) + " in " + found);
                found.remove(match);
            }
            BufferedImage drawn = Detector.annotate(cat, d.detect(cat, 0f));
            Path png = tmp.resolve("annotated.png");
            javax.imageio.ImageIO.write(drawn, "png", png.toFile());
            assertTrue(Files.size(png) > 1000);
        }
    }

    /** The 8-bit BGR image whose demo.py preprocessing, (x - 127.5) x 0.007843, is {@code chw}. */
    static BufferedImage pixelsOf(float[] chw, int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] bgr = new int[3];
                for (int c = 0; c < 3; c++) {
                    bgr[c] = Math.round(chw[(c * h + y) * w + x] / 0.007843f + 127.5f);
                    assertTrue(bgr[c] >= 0 && bgr[c] <= 255, "not an 8-bit pixel: " + bgr[c]);
                }
                image.setRGB(x, y, bgr[2] << 16 | bgr[1] << 8 | bgr[0]);
            }
        }
        return image;
    }
}
