package org.caffe4j.preprocess;

import org.caffe4j.MalformedModelException;
import org.caffe4j.files.Npy;
import org.caffe4j.runtime.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * What to subtract from every pixel: nothing, one value per channel, or a mean image (C×H×W, in the network's
 * channel order, as Caffe stores it). Immutable.
 *
 * <p>How a mean image meets an input of another size ({@link #window}):
 * <ol>
 *   <li>mean the size of the resized image (before cropping): cropped at the same window as the image — Caffe's
 *       DataTransformer rule (a 256×256 ImageNet mean with resize 256 and crop 224 gives its centre 224×224 for a
 *       centre crop, and each corner's own window when oversampling);</li>
 *   <li>mean the size of the crop: subtracted pixel by pixel;</li>
 *   <li>mean larger than the crop in both dimensions: its centre crop-sized window;</li>
 *   <li>otherwise (smaller in some dimension): reduced to per-channel means, as Caffe's C++ classification
 *       example always does.</li>
 * </ol>
 * The mean is subtracted before a crop is mirrored, as Caffe's DataTransformer does.
 */
public final class Mean {
    private static final Mean NONE = new Mean(0, 0, 0, new float[0]);

    private final int channels;
    private final int height;
    private final int width;
    private final float[] values;

    private Mean(int channels, int height, int width, float[] values) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.values = values;
    }

    public static Mean none() {
        return NONE;
    }

    /** One value per channel, in the network's channel order (e.g. B, G, R for ImageNet models). */
    public static Mean perChannel(float... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("per-channel mean needs at least one value");
        }
        return new Mean(values.length, 0, 0, values.clone());
    }

    /** A mean image, C×H×W floats in C order. */
    public static Mean image(int channels, int height, int width, float[] data) {
        if (channels <= 0 || height <= 0 || width <= 0 || (long) channels * height * width != data.length) {
            throw new IllegalArgumentException("mean image " + channels + "x" + height + "x" + width
                    + " does not match " + data.length + " values");
        }
        return new Mean(channels, height, width, data.clone());
    }

    /** Reads a mean file: {@code .npy} (C×H×W, 1×C×H×W or H×W) or a Caffe {@code .binaryproto} BlobProto. */
    public static Mean read(Path file) throws IOException {
        org.caffe4j.files.RegularFiles.require(file);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            return fromNpy(Npy.read(file), file.toString());
        }
        try (InputStream in = Files.newInputStream(file)) {
            return fromBinaryProto(in, file.toString());
        }
    }

    /** Parses a BlobProto mean (legacy num/channels/height/width dims or a shape; float or double data). */
    public static Mean fromBinaryProto(InputStream in, String name) throws IOException {
        Tensor blob = Tensor.readBinaryproto(in, name);
        return fromArray(blob.shape(), blob.data(), name);
    }

    static Mean fromNpy(Npy.Array array, String name) {
        return fromArray(array.shape(), array.data(), name);
    }

    private static Mean fromArray(int[] dims, float[] data, String name) {
        int[] chw = switch (dims.length) {
            case 2 -> new int[]{1, dims[0], dims[1]};
            case 3 -> dims;
            case 4 -> {
                if (dims[0] != 1) {
                    throw new MalformedModelException(name + ": mean blob " + Arrays.toString(dims)
                            + " holds " + dims[0] + " images; expected 1");
                }
                yield new int[]{dims[1], dims[2], dims[3]};
            }
            default -> throw new MalformedModelException(name + ": mean of shape " + Arrays.toString(dims)
                    + " is not an image; expected C×H×W, 1×C×H×W or H×W");
        };
        long count = (long) chw[0] * chw[1] * chw[2];
        if (count <= 0 || count != data.length) {
            throw new MalformedModelException(name + ": mean of shape " + Arrays.toString(dims) + " needs "
                    + count + " values but holds " + data.length);
        }
        return new Mean(chw[0], chw[1], chw[2], data.clone());
    }

    public boolean isNone() {
        return channels == 0;
    }

    public boolean isPerChannel() {
        return channels > 0 && height == 0;
    }

    public boolean isImage() {
        return height > 0;
    }

    public int channels() {
        return channels;
    }

    /** Height of a mean image; 0 for per-channel or no mean. */
    public int height() {
        return height;
    }

    /** Width of a mean image; 0 for per-channel or no mean. */
    public int width() {
        return width;
    }

    /** A copy of the per-channel values or the C×H×W mean image. */
    public float[] values() {
        return values.clone();
    }

    /** The average of each channel (the values themselves for a per-channel mean). */
    public float[] channelAverages() {
        if (!isImage()) {
            return values.clone();
        }
        float[] out = new float[channels];
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int i = 0; i < plane; i++) {
                sum += values[c * plane + i];
            }
            out[c] = (float) (sum / plane);
        }
        return out;
    }

    /**
     * The values to subtract from a crop window {@code (top, left, cropHeight, cropWidth)} of an image that is
     * {@code imageHeight×imageWidth} after resizing: C×cropHeight×cropWidth floats, following the rule in the class
     * comment. Returns null for no mean.
     */
    float[] window(int imageHeight, int imageWidth, int top, int left, int cropHeight, int cropWidth) {
        if (isNone()) {
            return null;
        }
        int plane = cropHeight * cropWidth;
        float[] out = new float[channels * plane];
        int meanTop;
        int meanLeft;
        if (height == imageHeight && width == imageWidth) {
            meanTop = top;
            meanLeft = left;
        } else if (height >= cropHeight && width >= cropWidth) {
            // Also covers the crop-sized mean: its centre window is the whole mean.
            meanTop = (height - cropHeight) / 2;
            meanLeft = (width - cropWidth) / 2;
        } else {
            float[] averages = channelAverages();
            for (int c = 0; c < channels; c++) {
                Arrays.fill(out, c * plane, (c + 1) * plane, averages[c]);
            }
            return out;
        }
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < cropHeight; y++) {
                System.arraycopy(values, (c * height + meanTop + y) * width + meanLeft, out, c * plane + y * cropWidth, cropWidth);
            }
        }
        return out;
    }

    /** Human-readable form for messages and the CLI. */
    public String describe() {
        if (isNone()) {
            return "none";
        }
        if (isPerChannel()) {
            return "per-channel " + Arrays.toString(values);
        }
        return "image " + channels + "x" + height + "x" + width;
    }

    @Override
    public String toString() {
        return "Mean[" + describe() + "]";
    }
}
