package org.caffe4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.awt.image.BufferedImage;
import org.caffe4j.preprocess.ChannelOrder;
import org.caffe4j.preprocess.ImageDecoder;
import org.caffe4j.preprocess.PlanarImage;
import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.preprocess.Preprocessor;
import org.junit.jupiter.api.Timeout;

/**
 * Image decoding (every format ImageIO and the bundled plug-ins read, EXIF orientation included) and the
 * conversion to planar pixels, under a pixel limit small enough that the fuzzer's huge declared sizes are refused
 * from the header.
 */
class ImageFuzzTest {
    private static final long MAX_PIXELS = 1 << 20;
    private static final Preprocessor RESIZE_CROP = new Preprocessor(PreprocessConfig.builder().resize(16).crop(12)
            .meanValues(104f, 117f, 123f).build());

    @FuzzTest
    @Timeout(10)
    void decode(byte[] data) throws Exception {
        CleanFailures.expectClean(() -> {
            BufferedImage image = ImageDecoder.decode(data, "fuzz.img", MAX_PIXELS);
            for (int channels : new int[] {1, 3}) {
                PlanarImage planar = ImageDecoder.toPlanar(image, channels, ChannelOrder.BGR);
                assertEquals((long) channels * image.getWidth() * image.getHeight(), planar.data().length);
            }
            // Caffe's preprocessing after decoding: resize, centre crop, mean.
            float[] x = RESIZE_CROP.apply(image);
            assertEquals(3 * 12 * 12, x.length);
        });
    }
}
