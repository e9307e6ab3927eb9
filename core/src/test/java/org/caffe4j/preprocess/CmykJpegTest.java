package org.caffe4j.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.caffe4j.files.Npy;
import org.junit.jupiter.api.Test;

/**
 * A CMYK JPEG without an ICC profile (as PIL and many scanners write them) decodes to OpenCV's imread pixels: its
 * CMYK-to-BGR arithmetic on libjpeg's samples, not a colour-managed conversion and not an error.
 */
class CmykJpegTest {
    @Test
    void cmykJpegDecodesToOpenCvsPixels() throws IOException {
        BufferedImage image = ImageDecoder.decode(Files.readAllBytes(Path.of("testdata/images/cat_cmyk.jpg")), "cat_cmyk.jpg");
        Npy.Array ref = Npy.read(Path.of("testdata/preprocess/cat_cmyk_jpg_bgr.npy"));
        assertEquals(72, ref.shape()[0]);
        assertEquals(96, ref.shape()[1]);
        assertEquals(96, image.getWidth());
        assertEquals(72, image.getHeight());
        int differing = 0;
        int worst = 0;
        for (int y = 0; y < 72; y++) {
            for (int x = 0; x < 96; x++) {
                int rgb = image.getRGB(x, y);
                int[] bgr = {rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff};
                for (int c = 0; c < 3; c++) {
                    int d = Math.abs(bgr[c] - (int) ref.data()[(y * 96 + x) * 3 + c]);
                    worst = Math.max(worst, d);
                    differing += d == 0 ? 0 : 1;
                }
            }
        }
        assertEquals(0, worst, differing + " of " + 72 * 96 * 3 + " samples differ from OpenCV 4.6's imread");
    }
}
