package org.caffe4j;


/** An unparseable, truncated or inconsistent file: bad syntax, a corrupt caffemodel, a blob of the wrong size. */
public class MalformedModelException extends CaffeModelException {
    public MalformedModelException(String message) {
        super(message);
    }

    public MalformedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
