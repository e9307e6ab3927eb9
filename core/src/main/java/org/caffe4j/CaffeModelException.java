package org.caffe4j;

/**
 * Root of every error caused by a model or input the user gave. Messages name the file, layer and field where
 * known, in the form {@code layer 'conv1' (Convolution): convolution_param.kernel_size ...}.
 */
public class CaffeModelException extends RuntimeException {
    public CaffeModelException(String message) {
        super(message);
    }

    public CaffeModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
