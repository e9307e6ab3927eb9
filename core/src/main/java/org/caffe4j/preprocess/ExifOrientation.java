package org.caffe4j.preprocess;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;

/**
 * The EXIF orientation tag (0x0112) of a JPEG and the transform that makes the image upright — what OpenCV's
 * {@code imread} applies unless told {@code IMREAD_IGNORE_ORIENTATION}. Unreadable EXIF data counts as upright.
 */
final class ExifOrientation {
    static final int UPRIGHT = 1;
    private static final int ORIENTATION_TAG = 0x0112;

    private ExifOrientation() {
    }

    /** The orientation (1..8) stored in a JPEG's APP1 Exif segment; 1 when absent, not a JPEG, or malformed. */
    static int ofJpeg(byte[] b) {
        if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8) {
            return UPRIGHT;
        }
        int pos = 2;
        while (pos + 4 <= b.length && (b[pos] & 0xff) == 0xff) {
            int marker = b[pos + 1] & 0xff;
            if (marker == 0xda || marker == 0xd9) {
                break; // image data starts: no more metadata segments
            }
            int length = u16(b, pos + 2, false);
            int data = pos + 4;
            if (length < 2 || data + length - 2 > b.length) {
                break;
            }
            if (marker == 0xe1 && length >= 8 && b[data] == 'E' && b[data + 1] == 'x' && b[data + 2] == 'i'
                    && b[data + 3] == 'f' && b[data + 4] == 0 && b[data + 5] == 0) {
                return fromTiff(b, data + 6, data + length - 2);
            }
            pos = data + length - 2;
        }
        return UPRIGHT;
    }

    private static int fromTiff(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return UPRIGHT;
        }
        boolean little = b[tiff] == 'I' && b[tiff + 1] == 'I';
        if (!little && !(b[tiff] == 'M' && b[tiff + 1] == 'M')) {
            return UPRIGHT;
        }
        long ifd = u32(b, tiff + 4, little);
        if (ifd < 8 || tiff + ifd + 2 > end) {
            return UPRIGHT;
        }
        int entries = u16(b, (int) (tiff + ifd), little);
        for (int i = 0; i < entries; i++) {
            int e = (int) (tiff + ifd + 2 + 12L * i);
            if (e + 12 > end) {
                break;
            }
            if (u16(b, e, little) == ORIENTATION_TAG) {
                int value = u16(b, e + 8, little);
                return value >= 1 && value <= 8 ? value : UPRIGHT;
            }
        }
        return UPRIGHT;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int lo = b[little ? at : at + 1] & 0xff;
        int hi = b[little ? at + 1 : at] & 0xff;
        return hi << 8 | lo;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = v << 8 | (b[little ? at + 3 - i : at + i] & 0xff);
        }
        return v;
    }

    /** The upright image for an EXIF orientation (the same image for 1). */
    static BufferedImage apply(BufferedImage image, int orientation) {
        if (orientation <= UPRIGHT || orientation > 8) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swaps = orientation >= 5;
        int ow = swaps ? h : w;
        int oh = swaps ? w : h;
        WritableRaster src = image.getRaster();
        WritableRaster dst = image.getColorModel().createCompatibleWritableRaster(ow, oh);
        Object pixel = null;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                // (sx, sy): the stored pixel that shows at (x, y) once upright.
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                pixel = src.getDataElements(sx, sy, pixel);
                dst.setDataElements(x, y, pixel);
            }
        }
        return new BufferedImage(image.getColorModel(), dst, image.isAlphaPremultiplied(), null);
    }
}
