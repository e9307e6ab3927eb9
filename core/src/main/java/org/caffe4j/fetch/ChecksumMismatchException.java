package org.caffe4j.fetch;

import org.caffe4j.CaffeModelException;

/** A downloaded or imported weights file whose SHA-1 or size is not the published one. */
public class ChecksumMismatchException extends CaffeModelException {
    private final String expectedSha1;
    private final String actualSha1;

    public ChecksumMismatchException(String message, String expectedSha1, String actualSha1) {
        super(message);
        this.expectedSha1 = expectedSha1;
        this.actualSha1 = actualSha1;
    }

    public String expectedSha1() {
        return expectedSha1;
    }

    public String actualSha1() {
        return actualSha1;
    }
}
