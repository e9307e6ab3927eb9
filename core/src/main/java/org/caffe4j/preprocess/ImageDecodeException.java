package org.caffe4j.preprocess;

import org.caffe4j.CaffeModelException;

/** An image file that cannot be decoded: unknown format, zero bytes, truncated or corrupt data. */
public class ImageDecodeException extends CaffeModelException {
    private final String image;

    public ImageDecodeException(String image, String problem) {
        super(image + ": " + problem);
        this.image = image;
    }

    public ImageDecodeException(String image, String problem, Throwable cause) {
        super(image + ": " + problem, cause);
        this.image = image;
    }

    /** The file name (or stream name) of the image that failed. */
    public String image() {
        return image;
    }
}
