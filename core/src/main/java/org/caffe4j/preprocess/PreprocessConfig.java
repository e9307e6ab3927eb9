package org.caffe4j.preprocess;

import java.util.Objects;

/**
 * How an image becomes network input, with the meaning of Caffe's {@code transform_param} and {@code classify.py}:
 * <ol>
 *   <li>decode, convert to {@code channels} (1 = grey, 3 = colour) in {@code channelOrder};</li>
 *   <li>resize to {@code resizeWidth×resizeHeight} with {@link LinearResize} (0×0 = keep the image size);</li>
 *   <li>take the centre {@code cropWidth×cropHeight} window (0×0 = no crop), or ten windows when oversampling;</li>
 *   <li>{@code value = (pixel / 255 · rawScale − mean) · scale}: {@code rawScale} is classify.py's
 *       {@code --raw_scale} on [0,1] images (255, the default, keeps 0..255 pixels as Caffe's DataTransformer);
 *       {@code mean} is subtracted next (see {@link Mean} for mean images of other sizes); {@code scale} comes last,
 *       as DataTransformer's {@code scale} and classify.py's {@code --input_scale}.</li>
 * </ol>
 * Immutable; build one with {@link #builder()}.
 */
public record PreprocessConfig(int channels, ChannelOrder channelOrder, int resizeWidth, int resizeHeight,
                               int cropWidth, int cropHeight, Mean mean, float rawScale, float scale) {
    public PreprocessConfig {
        Objects.requireNonNull(channelOrder, "channelOrder");
        Objects.requireNonNull(mean, "mean");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (grey) or 3 (colour), got " + channels);
        }
        if (resizeWidth < 0 || resizeHeight < 0 || (resizeWidth == 0) != (resizeHeight == 0)) {
            throw new IllegalArgumentException("resize must be two positive sizes or 0x0 (none), got "
                    + resizeWidth + "x" + resizeHeight);
        }
        if (cropWidth < 0 || cropHeight < 0 || (cropWidth == 0) != (cropHeight == 0)) {
            throw new IllegalArgumentException("crop must be two positive sizes or 0x0 (none), got "
                    + cropWidth + "x" + cropHeight);
        }
        if (resizeWidth > 0 && cropWidth > 0 && (cropWidth > resizeWidth || cropHeight > resizeHeight)) {
            throw new IllegalArgumentException("crop " + cropWidth + "x" + cropHeight + " is larger than the resize "
                    + resizeWidth + "x" + resizeHeight);
        }
        if (!mean.isNone() && mean.channels() != channels) {
            throw new IllegalArgumentException("mean has " + mean.channels() + " channels but the input has " + channels);
        }
        if (!(rawScale > 0) || !Float.isFinite(rawScale) || !(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("raw_scale and scale must be positive and finite, got "
                    + rawScale + " and " + scale);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset from this configuration. */
    public Builder toBuilder() {
        return new Builder().channels(channels).channelOrder(channelOrder).resize(resizeWidth, resizeHeight)
                .crop(cropWidth, cropHeight).mean(mean).rawScale(rawScale).scale(scale);
    }

    public boolean hasResize() {
        return resizeWidth > 0;
    }

    public boolean hasCrop() {
        return cropWidth > 0;
    }

    /** One-line summary, e.g. {@code 3ch BGR, resize 256x256, crop 224x224, mean per-channel [...], scale 1.0}. */
    public String describe() {
        return channels + "ch" + (channels == 3 ? " " + channelOrder : "")
                + (hasResize() ? ", resize " + resizeWidth + "x" + resizeHeight : "")
                + (hasCrop() ? ", crop " + cropWidth + "x" + cropHeight : "")
                + ", mean " + mean.describe() + ", raw_scale " + rawScale + ", scale " + scale;
    }

    /** Defaults: colour, BGR, no resize, no crop, no mean, raw_scale 255, scale 1. */
    public static final class Builder {
        private int channels = 3;
        private ChannelOrder channelOrder = ChannelOrder.BGR;
        private int resizeWidth;
        private int resizeHeight;
        private int cropWidth;
        private int cropHeight;
        private Mean mean = Mean.none();
        private float rawScale = 255f;
        private float scale = 1f;

        private Builder() {
        }

        public Builder channels(int channels) {
            this.channels = channels;
            return this;
        }

        public Builder grayscale() {
            return channels(1);
        }

        public Builder channelOrder(ChannelOrder order) {
            this.channelOrder = order;
            return this;
        }

        public Builder resize(int width, int height) {
            this.resizeWidth = width;
            this.resizeHeight = height;
            return this;
        }

        public Builder resize(int size) {
            return resize(size, size);
        }

        public Builder crop(int width, int height) {
            this.cropWidth = width;
            this.cropHeight = height;
            return this;
        }

        public Builder crop(int size) {
            return crop(size, size);
        }

        public Builder mean(Mean mean) {
            this.mean = mean;
            return this;
        }

        public Builder meanValues(float... values) {
            return mean(Mean.perChannel(values));
        }

        public Builder rawScale(float rawScale) {
            this.rawScale = rawScale;
            return this;
        }

        public Builder scale(float scale) {
            this.scale = scale;
            return this;
        }

        public PreprocessConfig build() {
            return new PreprocessConfig(channels, channelOrder, resizeWidth, resizeHeight, cropWidth, cropHeight,
                    mean, rawScale, scale);
        }
    }
}
