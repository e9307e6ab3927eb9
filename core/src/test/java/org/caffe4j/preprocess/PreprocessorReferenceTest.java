package org.caffe4j.preprocess;

import org.caffe4j.files.Npy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.caffe4j.preprocess.ArrayAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares the preprocessor with OpenCV 4.6 (cv2.imread → cv2.resize INTER_LINEAR on float32 → crop → mean), the
 * arrays written by tools/preprocess/make_reference.py into testdata/preprocess.
 */
class PreprocessorReferenceTest {
    private static final Path REF = Path.of("testdata/preprocess");
    private static final Path CAT_PNG = Path.of("testdata/images/cat.png");
    private static final Path CAT_JPG = Path.of("testdata/images/cat.jpg");
    private static final float[] IMAGENET_BGR = {104.007f, 116.669f, 122.679f};
    /** Float path against float path: only rounding (and OpenCV's FMA use) can differ. */
    private static final double FLOAT_ATOL = 1e-3;

    private static float[] ref(String name) throws IOException {
        return Npy.read(REF.resolve(name)).data();
    }

    private static PreprocessConfig nin() {
        return PreprocessConfig.builder().resize(256).crop(224).meanValues(IMAGENET_BGR).build();
    }

    /** Every 8th row and column of a C×224×224 crop, like the reference's [:, ::8, ::8]. */
    private static float[] every8(float[] chw) {
        float[] out = new float[3 * 28 * 28];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    out[(c * 28 + y) * 28 + x] = chw[(c * 224 + y * 8) * 224 + x * 8];
                }
            }
        }
        return out;
    }

    private static float[] channelSums(float[] chw) {
        float[] sums = new float[3];
        int plane = chw.length / 3;
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int i = 0; i < plane; i++) {
                s += chw[c * plane + i];
            }
            sums[c] = (float) s;
        }
        return sums;
    }

    @Test
    void ninPresetOnLosslessCatMatchesOpenCv() throws IOException {
        float[] actual = new Preprocessor(nin()).apply(CAT_PNG);
        assertEquals(3 * 224 * 224, actual.length);
        assertClose(ref("cat_png_256_crop224_bgr_mean_every8.npy"), every8(actual), FLOAT_ATOL, "every 8th pixel");
        // Sums of 50,176 values near ±100: a one-level error anywhere would move a sum by ≥ 1.
        assertClose(ref("cat_png_256_crop224_bgr_mean_channel_sums.npy"), channelSums(actual), 0.05, "channel sums");
    }

    @Test
    void oddNonUniformDownscaleAndNonSquareCropMatchOpenCvExactly() throws IOException {
        PreprocessConfig config = PreprocessConfig.builder().resize(71, 53).crop(48, 40).meanValues(IMAGENET_BGR).build();
        float[] actual = new Preprocessor(config).apply(CAT_PNG);
        assertClose(ref("cat_png_71x53_crop48x40_bgr_mean.npy"), actual, FLOAT_ATOL, "71x53 crop 48x40");
        // OpenCV's 8-bit resize rounds to integers with 11-bit weights: within one grey level, and not equal.
        double max = assertClose(ref("cat_png_71x53_crop48x40_bgr_uint8resize.npy"), actual, 1.0, "vs 8-bit resize");
        assertTrue(max > 0.1, "8-bit OpenCV resize should differ by rounding, max " + max);
    }

    @Test
    void grayscaleUsesOpenCvBgr2GrayAndScale() throws IOException {
        PreprocessConfig config = PreprocessConfig.builder().grayscale().resize(28).scale(0.00390625f).build();
        float[] actual = new Preprocessor(config).apply(CAT_PNG);
        assertClose(ref("cat_png_gray_28_scale.npy"), actual, 1e-5, "gray 28x28");
    }

    @Test
    void upscaleClampsBordersAndRgbOrderMatchesOpenCv() throws IOException {
        PreprocessConfig config = PreprocessConfig.builder().channelOrder(ChannelOrder.RGB).resize(45).crop(40).build();
        float[] actual = new Preprocessor(config).apply(Path.of("testdata/cifar10/img_00_label3_cat.ppm"));
        assertClose(ref("cifar_img00_45_crop40_rgb.npy"), actual, FLOAT_ATOL, "PPM 32→45 crop 40 RGB");
    }

    /** cat.jpg with an APP1 Exif segment holding only an Orientation entry, as make_reference.py writes it. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        java.nio.ByteBuffer tiff = java.nio.ByteBuffer.allocate(26); // big-endian by default, like "MM"
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8).putShort((short) 1)
                .putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0)
                .putInt(0);
        byte[] payload = new byte[6 + 26];
        System.arraycopy("Exif".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, payload, 0, 4);
        System.arraycopy(tiff.array(), 0, payload, 6, 26);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xff);
        out.write(0xe1);
        out.write((payload.length + 2) >> 8);
        out.write((payload.length + 2) & 0xff);
        out.write(payload, 0, payload.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    @Test
    void exifOrientationTurnsJpegsUprightAsOpenCvImread() throws IOException {
        byte[] cat = java.nio.file.Files.readAllBytes(CAT_JPG);
        Preprocessor p = new Preprocessor(PreprocessConfig.builder().resize(24, 18).build());
        for (int orientation = 1; orientation <= 8; orientation++) {
            java.awt.image.BufferedImage image = ImageDecoder.decode(withExifOrientation(cat, orientation), "exif");
            assertEquals(orientation >= 5 ? 360 : 480, image.getWidth(), "orientation " + orientation);
            assertClose(ref("cat_jpg_exif" + orientation + "_24x18_bgr.npy"), p.apply(image), FLOAT_ATOL,
                    "EXIF orientation " + orientation);
        }
    }

    @Test
    void tenCropOversamplingMatchesCaffeOrder() throws IOException {
        PreprocessConfig config = PreprocessConfig.builder().resize(37, 29).crop(24, 20).meanValues(IMAGENET_BGR)
                .scale(0.5f).build();
        float[] actual = new Preprocessor(config).oversample(ImageDecoder.read(CAT_PNG));
        assertClose(ref("cat_png_37x29_oversample24x20_bgr_mean_scale.npy"), actual, FLOAT_ATOL, "10 crops");
    }

    /**
     * JPEG decoders may differ in IDCT rounding and chroma upsampling, so the stated tolerance is one grey level per
     * sampled value and 0.05 levels on each channel's mean. (Measured here: TwelveMonkeys 3.12 decodes cat.jpg
     * identically to OpenCV 4.6's libjpeg-turbo, error 0.)
     */
    @Test
    void jpegDecodesCloseToLibjpeg() throws IOException {
        float[] actual = new Preprocessor(nin()).apply(CAT_JPG);
        assertClose(ref("cat_jpg_256_crop224_bgr_mean_every8.npy"), every8(actual), 1.0, "JPEG every 8th pixel");
        float[] expectedMeans = ref("cat_jpg_256_crop224_bgr_mean_channel_sums.npy");
        float[] actualMeans = channelSums(actual);
        for (int c = 0; c < 3; c++) {
            expectedMeans[c] /= 224 * 224;
            actualMeans[c] /= 224 * 224;
        }
        assertClose(expectedMeans, actualMeans, 0.05, "JPEG channel means");
    }
}
