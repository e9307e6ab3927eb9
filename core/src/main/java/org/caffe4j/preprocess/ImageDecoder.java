package org.caffe4j.preprocess;

import org.caffe4j.files.RegularFiles;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Decodes image files with ImageIO (JPEG including CMYK, PNG, BMP, GIF, PGM/PPM via TwelveMonkeys) and turns them
 * into planar float pixels in the order a network wants. JPEGs are turned upright by their EXIF orientation, as
 * OpenCV's {@code imread} does. Decoding is strict: a file the decoder only half-reads
 * (it reports a warning such as a premature end of data) is an error, never a silently grey-padded image.
 */
public final class ImageDecoder {
    // OpenCV's 8-bit BGR2GRAY: Y = (1868 B + 9617 G + 4899 R + 2^13) >> 14, i.e. 0.114 B + 0.587 G + 0.299 R rounded.
    private static final int GRAY_B = 1868;
    private static final int GRAY_G = 9617;
    private static final int GRAY_R = 4899;
    private static final int GRAY_SHIFT = 14;

    private ImageDecoder() {
    }

    /**
     * Bytes per pixel budgeted for the default pixel limit: the decoded image (up to 4 bytes for 8-bit samples), the
     * packed RGB copy (4) and three float planes (12).
     */
    static final int BYTES_PER_PIXEL = 20;
    /** Most pixels whose three float planes still fit in one Java array. */
    static final long ARRAY_PIXELS = (Integer.MAX_VALUE - 8) / 3;

    /** File name extensions of the formats read here (what folder walks pick up), lower case. */
    public static final java.util.Set<String> IMAGE_EXTENSIONS =
            java.util.Set.of("jpg", "jpeg", "png", "bmp", "gif", "pgm", "ppm", "pnm");

    /** True when the name ends in one of {@link #IMAGE_EXTENSIONS}, in any case. */
    public static boolean hasImageExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * The default limit on an image's declared width × height: what fits, decoded and converted to floats, in half
     * of the maximum heap (about 107 million pixels with -Xmx4g), and never more than a Java array holds.
     */
    public static long defaultMaxPixels() {
        return Math.max(1, Math.min(ARRAY_PIXELS, Runtime.getRuntime().maxMemory() / 2 / BYTES_PER_PIXEL));
    }

    /** Reads an image file with the {@linkplain #defaultMaxPixels() default pixel limit}. */
    public static BufferedImage read(Path file) {
        return read(file, defaultMaxPixels());
    }

    /**
     * Reads an image file; any failure is an {@link ImageDecodeException} naming the file. FIFOs, devices, broken
     * links and link loops are refused without being opened, and an image whose header declares more than
     * {@code maxPixels} pixels is refused before its pixels are decoded.
     */
    public static BufferedImage read(Path file, long maxPixels) {
        String problem = RegularFiles.problem(file);
        if (problem != null) {
            throw new ImageDecodeException(file.toString(), problem);
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            long allowed = Math.min(Integer.MAX_VALUE - 8, Runtime.getRuntime().maxMemory() / 4);
            if (size > allowed) {
                throw new ImageDecodeException(file.toString(), "file is " + megabytes(size)
                        + " MB, more than the " + megabytes(allowed) + " MB the heap allows for one image file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageDecodeException(file.toString(), "no such file", e);
        } catch (IOException e) {
            throw new ImageDecodeException(file.toString(), "cannot read file: " + e.getMessage(), e);
        }
        return decode(bytes, file.toString(), maxPixels);
    }

    /** Reads an image from a stream (read to its end, not closed); {@code name} is used in error messages. */
    public static BufferedImage read(InputStream in, String name) {
        return read(in, name, defaultMaxPixels());
    }

    /** Like {@link #read(InputStream, String)} with an explicit limit on the declared width × height. */
    public static BufferedImage read(InputStream in, String name, long maxPixels) {
        try {
            return decode(in.readAllBytes(), name, maxPixels);
        } catch (IOException e) {
            throw new ImageDecodeException(name, "cannot read stream: " + e.getMessage(), e);
        }
    }

    /** Decodes an encoded image held in memory, with the default pixel limit. */
    public static BufferedImage decode(byte[] bytes, String name) {
        return decode(bytes, name, defaultMaxPixels());
    }

    /**
     * Decodes an encoded image held in memory. The width and height are read from the header first: an image
     * declaring more than {@code maxPixels} pixels is refused before any pixel memory is allocated.
     */
    public static BufferedImage decode(byte[] bytes, String name, long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be at least 1, got " + maxPixels);
        }
        if (bytes.length == 0) {
            throw new ImageDecodeException(name, "empty file (0 bytes), not an image");
        }
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                if (isPnm(bytes)) {
                    throw new ImageDecodeException(name, "PGM/PPM image, but no ImageIO reader for it: put the plug-in "
                            + PNM_PLUGIN + " on the class path");
                }
                throw new ImageDecodeException(name, "not a supported image (JPEG, PNG, BMP, GIF, PGM/PPM)"
                        + (looksLikeText(bytes) ? "; the file contains text" : "") + "; it starts with " + hexStart(bytes));
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toUpperCase(java.util.Locale.ROOT);
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            try {
                reader.setInput(iis, true, true);
                checkDeclaredSize(name, format, reader.getWidth(0), reader.getHeight(0), maxPixels);
                boolean cmyk = isCmykJpeg(reader, format);
                // The JDK's own JPEG reader hands back CMYK samples in another convention (colours would silently
                // differ from OpenCV's): four-channel JPEGs need the TwelveMonkeys reader.
                if ((cmyk || fourChannelJpeg(reader, format)) && !reader.getClass().getName().startsWith("com.twelvemonkeys.")) {
                    throw new ImageDecodeException(name, "a CMYK or YCCK JPEG: decoding it as OpenCV does needs the "
                            + "ImageIO plug-in " + JPEG_PLUGIN + " on the class path");
                }
                BufferedImage image = cmyk ? cmykAsOpenCv(reader.readRaster(0, null)) : reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new ImageDecodeException(name, format + " data is corrupt or truncated (" + warnings.get(0) + ")");
                }
                if (image == null || image.getWidth() <= 0 || image.getHeight() <= 0) {
                    throw new ImageDecodeException(name, format + " decoder returned no pixels");
                }
                // OpenCV's imread turns JPEGs upright by their EXIF orientation; ImageIO does not, so do it here.
                return ExifOrientation.apply(image, ExifOrientation.ofJpeg(bytes));
            } finally {
                reader.dispose();
            }
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decoders signal corrupt data with IIOException but also with IndexOutOfBounds and friends.
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ImageDecodeException(name, "cannot decode image: " + message, e);
        } catch (OutOfMemoryError e) {
            // A header under the limit can still hide a decoder that allocates far more (e.g. a huge palette).
            throw new ImageDecodeException(name, "decoding ran out of memory (" + e.getMessage() + ")", e);
        }
    }

    /**
     * A four-channel JPEG stored as CMYK (Adobe transform 0, or no Adobe marker, as libjpeg assumes): decoded to its
     * raw samples and converted as OpenCV's imread does, not through an ICC profile (which many files lack, and which
     * would give other colours than the ones the model was trained on). YCCK files keep the decoder's own path.
     */
    private static boolean isCmykJpeg(ImageReader reader, String format) throws IOException {
        if (!format.equals("JPEG")) {
            return false;
        }
        javax.imageio.ImageTypeSpecifier raw = reader.getRawImageType(0);
        if (raw == null || raw.getNumBands() != 4) {
            return false;
        }
        javax.imageio.metadata.IIOMetadata metadata = reader.getImageMetadata(0);
        if (metadata == null || !java.util.Arrays.asList(metadata.getMetadataFormatNames())
                .contains("javax_imageio_jpeg_image_1.0")) {
            return false;
        }
        org.w3c.dom.Node root = metadata.getAsTree("javax_imageio_jpeg_image_1.0");
        org.w3c.dom.NodeList adobe = ((org.w3c.dom.Element) root).getElementsByTagName("app14Adobe");
        if (adobe.getLength() == 0) {
            return true;
        }
        org.w3c.dom.Node transform = adobe.item(0).getAttributes().getNamedItem("transform");
        return transform == null || transform.getNodeValue().equals("0");
    }

    private static boolean fourChannelJpeg(ImageReader reader, String format) throws IOException {
        if (!format.equals("JPEG")) {
            return false;
        }
        javax.imageio.ImageTypeSpecifier raw = reader.getRawImageType(0);
        return raw == null || raw.getNumBands() == 4;
    }

    /** OpenCV's icvCvt_CMYK2BGR_8u_C4C3R on libjpeg's (Adobe-inverted) CMYK samples. */
    private static BufferedImage cmykAsOpenCv(java.awt.image.Raster cmyk) {
        int w = cmyk.getWidth(), h = cmyk.getHeight();
        BufferedImage bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] out = ((java.awt.image.DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        int[] row = new int[4 * w];
        for (int y = 0; y < h; y++) {
            cmyk.getPixels(cmyk.getMinX(), cmyk.getMinY() + y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int c = row[4 * x], m = row[4 * x + 1], ye = row[4 * x + 2], k = row[4 * x + 3];
                int o = 3 * (y * w + x);
                out[o] = (byte) (k - ((255 - ye) * k >> 8));
                out[o + 1] = (byte) (k - ((255 - m) * k >> 8));
                out[o + 2] = (byte) (k - ((255 - c) * k >> 8));
            }
        }
        return bgr;
    }

    private static void checkDeclaredSize(String name, String format, int width, int height, long maxPixels) {
        if (width <= 0 || height <= 0) {
            throw new ImageDecodeException(name, format + " header declares an empty image " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new ImageDecodeException(name, format + " declares " + width + "x" + height + " = " + pixels
                    + " pixels, more than the limit of " + maxPixels + " pixels");
        }
    }

    static long megabytes(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /**
     * Converts an image to planar pixels, {@code channels} planes (1 = grey, 3 = colour) of height×width floats in
     * 0..255, colour planes in {@code order}. Grey from colour uses OpenCV's 8-bit BGR2GRAY rounding; colour from grey
     * repeats the plane. Alpha is dropped (not composited), as OpenCV's imread does.
     */
    public static PlanarImage toPlanar(BufferedImage image, int channels, ChannelOrder order) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        int h = image.getHeight();
        int w = image.getWidth();
        int plane = h * w;
        int[] rgb = rgb8(image);
        float[] out = new float[channels * plane];
        if (channels == 1) {
            for (int i = 0; i < plane; i++) {
                int p = rgb[i];
                int r = p >>> 16 & 0xff;
                int g = p >>> 8 & 0xff;
                int b = p & 0xff;
                out[i] = (b * GRAY_B + g * GRAY_G + r * GRAY_R + (1 << GRAY_SHIFT - 1)) >> GRAY_SHIFT;
            }
        } else {
            int first = order == ChannelOrder.BGR ? 0 : 16;
            int third = order == ChannelOrder.BGR ? 16 : 0;
            for (int i = 0; i < plane; i++) {
                int p = rgb[i];
                out[i] = p >>> first & 0xff;
                out[plane + i] = p >>> 8 & 0xff;
                out[2 * plane + i] = p >>> third & 0xff;
            }
        }
        return new PlanarImage(channels, h, w, out);
    }

    /**
     * Packed 0xRRGGBB per pixel, row-major. Grey and sRGB component images are read from the raster directly:
     * {@link BufferedImage#getRGB} would push grey through a linear-to-sRGB conversion and change its values.
     * 16-bit samples keep their high byte, as OpenCV's imread does for 8-bit colour output. Signed samples (TIFF's
     * SampleFormat 2) keep the high byte of their bit pattern, as OpenCV does through libtiff (-513 reads as 253);
     * {@link BufferedImage#getRGB} throws on them.
     */
    private static int[] rgb8(BufferedImage image) {
        int h = image.getHeight();
        int w = image.getWidth();
        int[] out = new int[h * w];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int colourBands = cm.getNumColorComponents();
        boolean component = cm instanceof ComponentColorModel;
        int type = cm.getColorSpace().getType();
        int dataType = raster.getDataBuffer().getDataType();
        boolean integerSamples = dataType == DataBuffer.TYPE_BYTE || dataType == DataBuffer.TYPE_USHORT
                || dataType == DataBuffer.TYPE_SHORT || dataType == DataBuffer.TYPE_INT;
        if (component && integerSamples && type == ColorSpace.TYPE_GRAY && colourBands == 1) {
            int shift = Math.max(0, cm.getComponentSize(0) - 8);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = row[x] >>> shift & 0xff;
                    out[y * w + x] = v << 16 | v << 8 | v;
                }
            }
            return out;
        }
        if (component && integerSamples && cm.getColorSpace().isCS_sRGB() && colourBands == 3) {
            int shift = Math.max(0, cm.getComponentSize(0) - 8);
            int[] r = new int[w];
            int[] g = new int[w];
            int[] b = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, r);
                raster.getSamples(0, y, w, 1, 1, g);
                raster.getSamples(0, y, w, 1, 2, b);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (r[x] >>> shift & 0xff) << 16 | (g[x] >>> shift & 0xff) << 8 | (b[x] >>> shift & 0xff);
                }
            }
            return out;
        }
        if (component && (dataType == DataBuffer.TYPE_FLOAT || dataType == DataBuffer.TYPE_DOUBLE)) {
            return rgb8ViaColourSpace(cm, raster, out, true);
        }
        if (component && (dataType == DataBuffer.TYPE_SHORT || dataType == DataBuffer.TYPE_INT)) {
            return rgb8ViaColourSpace(cm, raster, out, false);
        }
        // Packed RGB, palettes and other colour spaces: ImageIO's own conversion to sRGB.
        image.getRGB(0, 0, w, h, out, 0, w);
        for (int i = 0; i < out.length; i++) {
            out[i] &= 0xffffff;
        }
        return out;
    }

    /**
     * Floating-point samples (TIFF's SampleFormat 3), nominally 0..1, clamped to the colour space's range, NaN as its
     * minimum: ImageIO's own conversion indexes a lookup table with the unclamped value and throws on any sample far
     * outside the range. Signed integer samples in a colour space other than grey or sRGB (CMYK, Lab, ...; ImageIO's
     * conversion throws on them): the high byte of each sample's bit pattern, as for grey and sRGB, spread over the
     * space's range. Grey and sRGB are read directly, like their integer forms; other colour spaces convert to sRGB.
     */
    private static int[] rgb8ViaColourSpace(ColorModel cm, Raster raster, int[] out, boolean floatSamples) {
        ColorSpace space = cm.getColorSpace();
        int bands = cm.getNumColorComponents();
        int w = raster.getWidth();
        int h = raster.getHeight();
        boolean direct = (space.getType() == ColorSpace.TYPE_GRAY && bands == 1) || (space.isCS_sRGB() && bands == 3);
        float[][] rows = new float[bands][w];
        int[] samples = floatSamples ? null : new int[w];
        float[] pixel = new float[bands];
        for (int y = 0; y < h; y++) {
            for (int b = 0; b < bands; b++) {
                if (floatSamples) {
                    raster.getSamples(0, y, w, 1, b, rows[b]);
                    continue;
                }
                raster.getSamples(0, y, w, 1, b, samples);
                int shift = Math.max(0, cm.getComponentSize(b) - 8);
                float min = space.getMinValue(b);
                float range = space.getMaxValue(b) - min;
                for (int x = 0; x < w; x++) {
                    rows[b][x] = min + (samples[x] >>> shift & 0xff) / 255f * range;
                }
            }
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < bands; b++) {
                    float v = rows[b][x];
                    float min = space.getMinValue(b);
                    float max = space.getMaxValue(b);
                    pixel[b] = v >= min ? Math.min(v, max) : min;
                }
                float[] rgb = direct ? pixel : space.toRGB(pixel);
                int r = unitToByte(rgb[0]);
                int g = direct && bands == 1 ? r : unitToByte(rgb[1]);
                int bl = direct && bands == 1 ? r : unitToByte(rgb[2]);
                out[y * w + x] = r << 16 | g << 8 | bl;
            }
        }
        return out;
    }

    private static int unitToByte(float v) {
        return v >= 0f ? Math.min(255, (int) (v * 255f + 0.5f)) : 0;
    }

    /** The ImageIO plug-ins caffe4j-core declares optional (the command line and the Spark module include them). */
    static final String JPEG_PLUGIN = "com.twelvemonkeys.imageio:imageio-jpeg";
    static final String PNM_PLUGIN = "com.twelvemonkeys.imageio:imageio-pnm";

    /** Netpbm's magic number: 'P' and a digit 1-7. */
    private static boolean isPnm(byte[] bytes) {
        return bytes.length >= 2 && bytes[0] == 'P' && bytes[1] >= '1' && bytes[1] <= '7';
    }

    private static boolean looksLikeText(byte[] bytes) {
        int n = Math.min(bytes.length, 512);
        for (int i = 0; i < n; i++) {
            int c = bytes[i] & 0xff;
            if (c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static String hexStart(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            sb.append(String.format("%02x", bytes[i] & 0xff));
        }
        return "0x" + sb + " (" + bytes.length + " bytes)";
    }
}
