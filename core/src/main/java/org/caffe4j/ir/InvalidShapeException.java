package org.caffe4j.ir;

/**
 * A shape that cannot exist: a negative dimension, an element count past what Java arrays or a long can hold, an
 * axis out of range. The ir package depends on nothing but the JDK, so this is its own unchecked type; the stages
 * that read user files (importer, io, runtime) turn it into the user-facing {@code org.caffe4j.ShapeException} with
 * the file and layer named.
 */
public final class InvalidShapeException extends IllegalArgumentException {
    public InvalidShapeException(String message) {
        super(message);
    }
}
