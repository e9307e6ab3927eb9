package org.caffe4j.preprocess;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

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
}
