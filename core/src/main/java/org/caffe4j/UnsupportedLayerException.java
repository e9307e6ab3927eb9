package org.caffe4j;

/** A layer type, or a parameter value, that caffe4j does not implement (e.g. pool: STOCHASTIC). */
public class UnsupportedLayerException extends CaffeModelException {
    public UnsupportedLayerException(String message) {
        super(message);
    }

    public UnsupportedLayerException(String message, Throwable cause) {
        super(message, cause);
    }
}
