package org.caffe4j;

/** Blob shapes that do not fit a layer: wrong weight dims, a window larger than its padded input, an overflowing size. */
public class ShapeException extends CaffeModelException {
    public ShapeException(String message) {
        super(message);
    }

    public ShapeException(String message, Throwable cause) {
        super(message, cause);
    }
}
