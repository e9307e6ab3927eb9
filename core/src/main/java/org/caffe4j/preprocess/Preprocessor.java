package org.caffe4j.preprocess;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Turns images into network input (N×C×H×W floats) following a {@link PreprocessConfig}. Immutable and
 * thread-safe: every call works on its own buffers, so one instance can serve many threads.
 */
public final class Preprocessor {
    /** Crops per image when oversampling: four corners and the centre, each also mirrored. */
    public static final int OVERSAMPLE_CROPS = 10;
    /** The most elements a Java array can hold on common JVMs. */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final PreprocessConfig config;
    private final double rawFactor;

    public Preprocessor(PreprocessConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        long channels = config.channels();
        if (config.hasResize()) {
            long values = times(channels, config.resizeWidth(), config.resizeHeight());
            requireFits("resize " + config.resizeWidth() + "x" + config.resizeHeight(), floatBytes(values), values);
        }
        if (config.hasCrop()) {
            long values = times(channels, config.cropWidth(), config.cropHeight());
            requireFits("crop " + config.cropWidth() + "x" + config.cropHeight(), floatBytes(values), values);
        }
        // Pixels arrive as 0..255; classify.py's raw_scale multiplies [0,1] pixels. 255/255 is exactly 1.
        this.rawFactor = config.rawScale() / 255.0;
    }

    public PreprocessConfig config() {
        return config;
    }

    /**
     * The input shape {N, C, H, W} for {@code batch} images, or null when the configuration neither resizes nor
     * crops (the size is then that of the images).
     */
    public int[] inputShape(int batch) {
        if (config.hasCrop()) {
            return new int[]{batch, config.channels(), config.cropHeight(), config.cropWidth()};
        }
        if (config.hasResize()) {
            return new int[]{batch, config.channels(), config.resizeHeight(), config.resizeWidth()};
        }
        return null;
    }

    /**
     * Values one preprocessed image (one crop) has, C×H×W, when the configuration fixes the size (a crop or a
     * resize); -1 when it follows the image.
     */
    public static long valuesPerImage(PreprocessConfig config) {
        if (config.hasCrop()) {
            return times(config.channels(), config.cropWidth(), config.cropHeight());
        }
        if (config.hasResize()) {
            return times(config.channels(), config.resizeWidth(), config.resizeHeight());
        }
        return -1;
    }

    /** Heap left for new buffers: the maximum heap less what is in use now. */
    public static long heapAllowanceBytes() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /**
     * Refuses, before anything is allocated, buffers that cannot be: {@code totalBytes} more than the heap allows
     * now, or {@code largestArray} elements more than one Java array holds. {@code what} names the setting or input
     * responsible (e.g. {@code "--resize 100000x100000"}) and starts the message.
     */
    public static void requireFits(String what, long totalBytes, long largestArray) {
        long allowed = heapAllowanceBytes();
        if (totalBytes > allowed) {
            throw new IllegalArgumentException(what + " needs " + ImageDecoder.megabytes(totalBytes)
                    + " MB, the heap allows " + (allowed >> 20) + " MB");
        }
        if (largestArray > MAX_ARRAY) {
            throw new IllegalArgumentException(what + " needs " + largestArray + " values in one array, more than "
                    + "the " + MAX_ARRAY + " a Java array holds");
        }
    }

    /** Product of sizes, saturating at Long.MAX_VALUE instead of wrapping. */
    public static long times(long... factors) {
        long p = 1;
        for (long f : factors) {
            if (f != 0 && p > Long.MAX_VALUE / f) {
                return Long.MAX_VALUE;
            }
            p *= f;
        }
        return p;
    }

    /** Bytes of {@code values} floats, saturating. */
    public static long floatBytes(long values) {
        return times(values, Float.BYTES);
    }

    /** One image file → C×H×W, decoded under the {@linkplain ImageDecoder#defaultMaxPixels() default pixel limit}. */
    public float[] apply(Path imageFile) {
        return apply(ImageDecoder.read(imageFile), imageFile.toString());
    }

    /** One image → C×H×W. */
    public float[] apply(BufferedImage image) {
        return apply(image, "image");
    }

    private float[] apply(BufferedImage image, String name) {
        PlanarImage resized = resized(image);
        int[] crop = cropSize(resized, name);
        float[] out = new float[config.channels() * crop[0] * crop[1]];
        writeCrop(resized, (resized.height() - crop[0]) / 2, (resized.width() - crop[1]) / 2, crop[0], crop[1],
                false, out, 0);
        return out;
    }

    /** A batch of images → N×C×H×W; all images must come out the same size (set a resize or crop). */
    public float[] applyBatch(List<BufferedImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        float[] first = apply(images.get(0), "image 0");
        long values = times(first.length, images.size());
        requireFits("a batch of " + images.size() + " images", floatBytes(values), values);
        float[] out = new float[first.length * images.size()];
        System.arraycopy(first, 0, out, 0, first.length);
        for (int i = 1; i < images.size(); i++) {
            float[] one = apply(images.get(i), "image " + i);
            if (one.length != first.length) {
                throw new IllegalArgumentException("image " + i + " gives " + one.length + " values but image 0 gives "
                        + first.length + "; set a resize or crop so that a batch has one size");
            }
            System.arraycopy(one, 0, out, i * first.length, one.length);
        }
        return out;
    }

    /**
     * Caffe's 10-crop oversampling ({@code caffe.io.oversample}): after resizing, the crops at the top-left,
     * top-right, bottom-left and bottom-right corners and the centre, then the same five mirrored left-right;
     * 10×C×H×W. Needs a crop size.
     */
    public float[] oversample(BufferedImage image) {
        if (!config.hasCrop()) {
            throw new IllegalArgumentException("oversampling needs a crop size");
        }
        PlanarImage resized = resized(image);
        int ch = config.cropHeight();
        int cw = config.cropWidth();
        int[] crop = cropSize(resized, "image");
        int per = config.channels() * crop[0] * crop[1];
        long values = times(OVERSAMPLE_CROPS, per);
        requireFits("oversampling " + OVERSAMPLE_CROPS + " crops of " + crop[1] + "x" + crop[0], floatBytes(values),
                values);
        int bottom = resized.height() - ch;
        int right = resized.width() - cw;
        int[][] corners = {{0, 0}, {0, right}, {bottom, 0}, {bottom, right}, {bottom / 2, right / 2}};
        float[] out = new float[OVERSAMPLE_CROPS * per];
        for (int i = 0; i < corners.length; i++) {
            writeCrop(resized, corners[i][0], corners[i][1], ch, cw, false, out, i * per);
            writeCrop(resized, corners[i][0], corners[i][1], ch, cw, true, out, (i + corners.length) * per);
        }
        return out;
    }

    /** Decodes and resizes, giving planar 0..255 pixels in the configured channels and order. */
    public PlanarImage resized(BufferedImage image) {
        requireFitsToResize(image.getWidth(), image.getHeight());
        PlanarImage planar = ImageDecoder.toPlanar(image, config.channels(), config.channelOrder());
        return config.hasResize() ? LinearResize.resize(planar, config.resizeWidth(), config.resizeHeight()) : planar;
    }

    /** The packed RGB copy and float planes of the image, and the resize's row buffer and result. */
    private void requireFitsToResize(long width, long height) {
        long channels = config.channels();
        long planar = times(channels, width, height);
        long bytes = plus(times(width, height, Integer.BYTES), floatBytes(planar));
        long largest = planar;
        String what = "image " + width + "x" + height;
        if (config.hasResize()) {
            long resized = times(channels, config.resizeWidth(), config.resizeHeight());
            bytes = plus(bytes, plus(floatBytes(times(height, config.resizeWidth())), floatBytes(resized)));
            largest = Math.max(largest, Math.max(resized, times(height, config.resizeWidth())));
            what += " resized to " + config.resizeWidth() + "x" + config.resizeHeight();
        }
        requireFits(what, bytes, largest);
    }

    /** Sum of two non-negative sizes, saturating at Long.MAX_VALUE. */
    private static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private int[] cropSize(PlanarImage resized, String name) {
        if (!config.hasCrop()) {
            return new int[]{resized.height(), resized.width()};
        }
        if (resized.height() < config.cropHeight() || resized.width() < config.cropWidth()) {
            throw new IllegalArgumentException(name + ": image " + resized.width() + "x" + resized.height()
                    + " is smaller than the crop " + config.cropWidth() + "x" + config.cropHeight() + "; set a resize");
        }
        return new int[]{config.cropHeight(), config.cropWidth()};
    }

    /** Writes one crop window, mean-subtracted and scaled, optionally mirrored, at {@code out[offset]}. */
    private void writeCrop(PlanarImage src, int top, int left, int ch, int cw, boolean mirror, float[] out, int offset) {
        float[] mean = config.mean().window(src.height(), src.width(), top, left, ch, cw);
        float raw = (float) rawFactor;
        float scale = config.scale();
        float[] in = src.data();
        int plane = ch * cw;
        for (int c = 0; c < src.channels(); c++) {
            for (int y = 0; y < ch; y++) {
                int s = (c * src.height() + top + y) * src.width() + left;
                int m = c * plane + y * cw;
                int d = offset + c * plane + y * cw;
                for (int x = 0; x < cw; x++) {
                    float v = raw == 1f ? in[s + x] : in[s + x] * raw;
                    if (mean != null) {
                        v -= mean[m + x];
                    }
                    if (scale != 1f) {
                        v *= scale;
                    }
                    out[mirror ? d + cw - 1 - x : d + x] = v;
                }
            }
        }
    }
}
