package org.caffe4j.preprocess;

import org.caffe4j.testing.HostileImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderBadInputTest {
    @TempDir
    Path dir;

    private ImageDecodeException failure(Path file) {
        return assertThrows(ImageDecodeException.class, () -> ImageDecoder.read(file));
    }

    @Test
    void truncatedJpegIsAnErrorNamingTheFile() throws IOException {
        byte[] cat = Files.readAllBytes(Path.of("testdata/images/cat.jpg"));
        Path truncated = Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(cat, cat.length / 3));
        ImageDecodeException e = failure(truncated);
        assertTrue(e.getMessage().startsWith(truncated.toString() + ": "), e.getMessage());
        assertEquals(truncated.toString(), e.image());
    }

    @Test
    void truncatedPngIsAnError() throws IOException {
        byte[] png = Files.readAllBytes(Path.of("testdata/images/cat.png"));
        Path truncated = Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
        assertTrue(failure(truncated).getMessage().contains("cut.png"));
    }

    @Test
    void zeroByteFileIsAnError() throws IOException {
        Path empty = Files.write(dir.resolve("empty.jpg"), new byte[0]);
        ImageDecodeException e = failure(empty);
        assertTrue(e.getMessage().contains("empty.jpg") && e.getMessage().contains("0 bytes"), e.getMessage());
    }

    @Test
    void textFileNamedJpgIsAnError() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.jpg"), "this is not an image\n");
        ImageDecodeException e = failure(text);
        assertTrue(e.getMessage().contains("notes.jpg") && e.getMessage().contains("text"), e.getMessage());
    }

    @Test
    void missingFileIsAnError() {
        ImageDecodeException e = failure(dir.resolve("absent.png"));
        assertTrue(e.getMessage().contains("absent.png") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void grayPgmKeepsItsSampleValues() throws IOException {
        // A 2x1 PGM with values 10 and 200: a grey→sRGB conversion would change them.
        byte[] header = "P5\n2 1\n255\n".getBytes();
        byte[] pgm = Arrays.copyOf(header, header.length + 2);
        pgm[header.length] = 10;
        pgm[header.length + 1] = (byte) 200;
        Path file = Files.write(dir.resolve("two.pgm"), pgm);
        PlanarImage grey = ImageDecoder.toPlanar(ImageDecoder.read(file), 1, ChannelOrder.BGR);
        assertEquals(10f, grey.data()[0]);
        assertEquals(200f, grey.data()[1]);
        PlanarImage colour = ImageDecoder.toPlanar(ImageDecoder.read(file), 3, ChannelOrder.BGR);
        assertEquals(200f, colour.data()[2 + 1], "every colour plane repeats the grey value");
    }

    @Test
    void bmpAndGifDecode() throws IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(3, 2,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 0, 0x102030);
        for (String format : new String[]{"bmp", "gif"}) {
            Path file = dir.resolve("tiny." + format);
            assertTrue(javax.imageio.ImageIO.write(image, format, file.toFile()), format + " writer");
            PlanarImage rgb = ImageDecoder.toPlanar(ImageDecoder.read(file), 3, ChannelOrder.RGB);
            assertEquals(0x10, (int) rgb.data()[1], format + " red");
            assertEquals(0x20, (int) rgb.data()[6 + 1], format + " green");
            assertEquals(0x30, (int) rgb.data()[12 + 1], format + " blue");
        }
    }

    /** A TIFF with 32-bit float samples in the given colour space, one pixel per value (every band the same). */
    static byte[] floatTiff(int colourSpace, float... values) throws IOException {
        java.awt.color.ColorSpace space = java.awt.color.ColorSpace.getInstance(colourSpace);
        java.awt.image.ComponentColorModel model = new java.awt.image.ComponentColorModel(space, false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_FLOAT);
        java.awt.image.WritableRaster raster = model.createCompatibleWritableRaster(values.length, 1);
        for (int x = 0; x < values.length; x++) {
            for (int b = 0; b < space.getNumComponents(); b++) {
                raster.setSample(x, 0, b, values[x]);
            }
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        assertTrue(javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(model, raster, false, null), "tiff",
                bytes), "the JDK's TIFF writer");
        return bytes.toByteArray();
    }

    @Test
    void floatSamplesFarOutsideTheirRangeAreClampedNotAnArrayIndexError() throws IOException {
        // ImageIO's getRGB threw ArrayIndexOutOfBoundsException on the first two (found by ImageFuzzTest).
        float[] values = {-1e30f, 1e30f, Float.NaN, 0.5f, 0.2f};
        int[] expected = {0, 255, 0, 128, 51};
        for (int space : new int[] {java.awt.color.ColorSpace.CS_GRAY, java.awt.color.ColorSpace.CS_sRGB}) {
            byte[] tiff = floatTiff(space, values);
            Files.write(dir.resolve("float.tif"), tiff);
            java.awt.image.BufferedImage image = ImageDecoder.read(dir.resolve("float.tif"));
            assertEquals(java.awt.image.DataBuffer.TYPE_FLOAT, image.getRaster().getDataBuffer().getDataType());
            assertEveryPlaneHolds(expected, image, "space " + space);
        }
    }

    /** A one-row image read as grey and as colour gives {@code expected} in every plane. */
    private static void assertEveryPlaneHolds(int[] expected, java.awt.image.BufferedImage image, String what) {
        for (int channels : new int[] {1, 3}) {
            float[] planar = ImageDecoder.toPlanar(image, channels, ChannelOrder.BGR).data();
            for (int c = 0; c < channels; c++) {
                for (int x = 0; x < expected.length; x++) {
                    assertEquals(expected[x], planar[c * expected.length + x], 0f,
                            what + ", pixel " + x + ", plane " + c + " of " + channels);
                }
            }
        }
    }

    @Test
    void signedSamplesKeepTheHighByteOfTheirBitPatternAsOpenCvDoes() throws IOException {
        // ImageIO's getRGB threw "Unknown data buffer type: 2" on signed 16-bit grey (found by ImageFuzzTest).
        // OpenCV 4.6's imread of this file (the JDK's TIFF writer, SampleFormat 2) gives 253 128 0 1 255 127.
        short[] values = {-513, -32768, 0, 256, -1, 32767};
        int[] expected = {253, 128, 0, 1, 255, 127};
        java.awt.image.ComponentColorModel model = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_SHORT);
        java.awt.image.WritableRaster raster = model.createCompatibleWritableRaster(values.length, 1);
        for (int x = 0; x < values.length; x++) {
            raster.setSample(x, 0, 0, values[x]);
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        assertTrue(javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(model, raster, false, null), "tiff",
                bytes), "the JDK's TIFF writer");
        Path file = Files.write(dir.resolve("signed.tif"), bytes.toByteArray());
        java.awt.image.BufferedImage image = ImageDecoder.read(file);
        assertEquals(java.awt.image.DataBuffer.TYPE_SHORT, image.getRaster().getDataBuffer().getDataType());
        assertEveryPlaneHolds(expected, image, "signed 16-bit grey");
    }

    @Test
    void signedSamplesInAnotherColourSpaceAreConvertedToSrgb() {
        // Built in memory: linear RGB with signed 16-bit samples; the high bytes 0, 255 and 64 are 0, 1 and 0.251 in
        // linear light, which sRGB encodes as 0, 255 and ~137.
        java.awt.image.BufferedImage image = linearRgbRow(java.awt.image.DataBuffer.TYPE_SHORT, 0, -1, 0x4000);
        float[] planar = ImageDecoder.toPlanar(image, 3, ChannelOrder.RGB).data();
        assertEquals(0f, planar[0]);
        assertEquals(255f, planar[1]);
        assertEquals(137f, planar[2], 2f);
    }

    /** A one-row linear-RGB image with samples of {@code dataType}, every band of pixel x set to values[x]. */
    private static java.awt.image.BufferedImage linearRgbRow(int dataType, double... values) {
        java.awt.image.ComponentColorModel model = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB), false, false,
                java.awt.Transparency.OPAQUE, dataType);
        java.awt.image.WritableRaster raster = model.createCompatibleWritableRaster(values.length, 1);
        for (int x = 0; x < values.length; x++) {
            for (int b = 0; b < 3; b++) {
                raster.setSample(x, 0, b, values[x]);
            }
        }
        return new java.awt.image.BufferedImage(model, raster, false, null);
    }

    @Test
    void floatLinearRgbIsConvertedToSrgbAfterClamping() {
        // Built in memory: the JDK's TIFF reader reads linear RGB back as sRGB.
        java.awt.image.BufferedImage image = linearRgbRow(java.awt.image.DataBuffer.TYPE_FLOAT, -1e30, 1e30, 0.5);
        float[] planar = ImageDecoder.toPlanar(image, 3, ChannelOrder.RGB).data();
        assertEquals(0f, planar[0]);
        assertEquals(255f, planar[1]);
        // Linear 0.5 is sRGB ~0.735 (188); the colour management may round it a unit either way.
        assertEquals(188f, planar[2], 2f);
    }

    @Test
    @Timeout(30)
    void pngDeclaringThirtyThousandSquaredIsRefusedFromItsHeader() throws IOException {
        // 9e8 pixels: more than the default limit on any heap below 36 GB (the tests run with -Xmx4g).
        Path huge = Files.write(dir.resolve("huge.png"), HostileImages.pngDeclaring(30000, 30000));
        ImageDecodeException e = failure(huge);
        assertTrue(e.getMessage().startsWith(huge + ": PNG declares 30000x30000 = 900000000 pixels, more than the limit"
                + " of " + ImageDecoder.defaultMaxPixels() + " pixels"), e.getMessage());
    }

    @Test
    @Timeout(30)
    void jpegDeclaringTwentyThousandSquaredIsRefusedFromItsHeader() throws IOException {
        Path huge = Files.write(dir.resolve("huge.jpg"), HostileImages.jpegDeclaring(20000, 20000));
        ImageDecodeException e = failure(huge);
        assertTrue(e.getMessage().startsWith(huge + ": JPEG declares 20000x20000 = 400000000 pixels"), e.getMessage());
    }

    @Test
    void defaultPixelLimitFitsDecodedAndFloatPixelsInHalfTheHeap() {
        long limit = ImageDecoder.defaultMaxPixels();
        assertTrue(limit * ImageDecoder.BYTES_PER_PIXEL <= Runtime.getRuntime().maxMemory() / 2, "limit " + limit);
        assertTrue(limit * 3 <= Integer.MAX_VALUE, "three float planes fit one array: " + limit);
    }

    @Test
    void explicitPixelLimitIsAppliedToTheDeclaredSize() throws IOException {
        Path png = Files.write(dir.resolve("tiny.png"), HostileImages.tiny("png"));
        assertEquals(8, ImageDecoder.read(png, 64).getWidth(), "8x8 is exactly at a limit of 64");
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageDecoder.read(png, 63));
        assertEquals(png + ": PNG declares 8x8 = 64 pixels, more than the limit of 63 pixels", e.getMessage());
    }

    /** Every corrupt variant ends as an ImageDecodeException naming the file, never another exception class. */
    @Test
    void corruptVariantsAreImageDecodeExceptionsNamingTheFile() throws IOException {
        byte[] png = HostileImages.tiny("png");
        byte[] jpg = HostileImages.tiny("jpg");
        Map<String, byte[]> variants = new LinkedHashMap<>();
        variants.put("truncated.png", Arrays.copyOf(png, png.length - 30));
        variants.put("header-only.png", Arrays.copyOf(png, 33));
        variants.put("truncated.jpg", Arrays.copyOf(jpg, jpg.length / 2));
        variants.put("soi-only.jpg", Arrays.copyOf(jpg, 2));
        variants.put("random-after-signature.png", HostileImages.randomAfterPngSignature(17));
        variants.put("random-after-signature-2.png", HostileImages.randomAfterPngSignature(42));
        variants.put("zero.png", new byte[0]);
        variants.put("bad-header.gif", HostileImages.gifWithBadHeader());
        variants.put("zero-size.png", HostileImages.pngDeclaring(0, 0));
        variants.put("negative-size.png", HostileImages.pngDeclaring(-5, 8));
        variants.put("zero-size.jpg", HostileImages.jpegDeclaring(0, 8));
        for (Map.Entry<String, byte[]> v : variants.entrySet()) {
            Path file = Files.write(dir.resolve(v.getKey()), v.getValue());
            Throwable t = assertThrows(Throwable.class, () -> ImageDecoder.read(file), v.getKey());
            assertEquals(ImageDecodeException.class, t.getClass(), v.getKey() + ": " + t);
            assertTrue(t.getMessage().startsWith(file + ": ") && !t.getMessage().contains("\n"),
                    v.getKey() + ": " + t.getMessage());
        }
    }

    @Test
    @Timeout(30)
    void fifoIsRefusedWithoutBeingOpened() throws Exception {
        Path fifo = HostileImages.fifo(dir.resolve("pipe.png"));
        assertEquals(fifo + ": not a regular file", failure(fifo).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"loop", "broken"})
    @Timeout(30)
    void linksThatLeadNowhereAreRefused(String kind) throws IOException {
        Path link = dir.resolve(kind + ".png");
        if (kind.equals("loop")) {
            Files.createSymbolicLink(dir.resolve("other.png"), link.getFileName());
            Files.createSymbolicLink(link, Path.of("other.png"));
        } else {
            Files.createSymbolicLink(link, Path.of("nowhere.png"));
        }
        assertEquals(link + ": " + (kind.equals("loop") ? "symbolic link loop" : "broken link"),
                failure(link).getMessage());
    }

    @Test
    void folderIsRefused() {
        assertEquals(dir + ": is a folder", failure(dir).getMessage());
    }
}
