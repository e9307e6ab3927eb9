package org.caffe4j.testing;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/** Small files that lie about themselves, made at test time: tiny images whose headers claim huge sizes, and so on. */
public final class HostileImages {
    private HostileImages() {
    }

    /** A valid tiny image of {@code format} ("png", "jpg", "gif", "bmp"). */
    public static byte[] tiny(String format) {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 64; i++) {
            image.setRGB(i % 8, i / 8, i * 0x030507);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A tiny PNG whose IHDR declares {@code width×height}, with the IHDR CRC recomputed so the header is valid. */
    public static byte[] pngDeclaring(int width, int height) {
        byte[] png = tiny("png");
        // Signature (8), IHDR length (4), "IHDR" (4), then width and height, big-endian.
        putInt(png, 16, width);
        putInt(png, 20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 4 + 13);
        putInt(png, 12 + 4 + 13, (int) crc.getValue());
        return png;
    }

    /** A tiny baseline JPEG whose SOF0 segment declares {@code width×height}. */
    public static byte[] jpegDeclaring(int width, int height) {
        byte[] jpg = tiny("jpg");
        for (int i = 2; i + 8 < jpg.length; i++) {
            if ((jpg[i] & 0xff) == 0xff && (jpg[i + 1] & 0xff) == 0xc0) {
                // FFC0, length (2), precision (1), height (2), width (2).
                jpg[i + 5] = (byte) (height >> 8);
                jpg[i + 6] = (byte) height;
                jpg[i + 7] = (byte) (width >> 8);
                jpg[i + 8] = (byte) width;
                return jpg;
            }
        }
        throw new IllegalStateException("no SOF0 marker in the encoded JPEG");
    }

    /** The PNG signature followed by seeded random bytes. */
    public static byte[] randomAfterPngSignature(long seed) {
        byte[] bytes = new byte[300];
        new Random(seed).nextBytes(bytes);
        System.arraycopy(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, bytes, 0, 8);
        return bytes;
    }

    /** A GIF signature with a logical screen descriptor cut off and garbage after it. */
    public static byte[] gifWithBadHeader() {
        byte[] gif = tiny("gif");
        byte[] bad = Arrays.copyOf(gif, 16);
        Arrays.fill(bad, 6, 16, (byte) 0xff);
        return bad;
    }

    /** Creates a FIFO with {@code mkfifo} (Linux and macOS test machines). */
    public static Path fifo(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", file.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("mkfifo " + file + " failed: " + new String(p.getInputStream().readAllBytes()));
        }
        if (!Files.exists(file)) {
            throw new IOException("mkfifo did not create " + file);
        }
        return file;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
