package org.caffe4j.testing;

import org.junit.jupiter.api.Assertions;

/**
 * The project's named comparison levels: a value passes when |actual - expected| <= atol + rtol * |expected|.
 * EXACT for data movement (ReLU, Concat, MaxPool), CLOSE for element-wise arithmetic, APPROX for reductions whose
 * summation order differs from the reference (Convolution, InnerProduct, LRN, Softmax). Two NaNs compare equal;
 * NaN against a number is a mismatch. A failure names the first bad index, the largest absolute error and how many
 * values are out of tolerance.
 */
public enum Tolerance {
    EXACT(0, 0),
    CLOSE(1e-6, 1e-6),
    APPROX(1e-4, 1e-4);

    private final double atol;
    private final double rtol;

    Tolerance(double atol, double rtol) {
        this.atol = atol;
        this.rtol = rtol;
    }

    public double atol() {
        return atol;
    }

    public double rtol() {
        return rtol;
    }

    public boolean accepts(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (expected == actual) {
            return true; // also equal infinities, whose difference would be NaN
        }
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }

    public void assertClose(float[] expected, float[] actual) {
        assertClose("values", expected, actual);
    }

    public void assertClose(String what, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            Assertions.fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        assertClose(what, expected, 0, actual, 0, expected.length);
    }

    /** Compares {@code length} values starting at the given offsets; indices in the message are relative. */
    public void assertClose(String what, float[] expected, int expectedOff, float[] actual, int actualOff,
                            int length) {
        String problem = describeMismatch(expected, expectedOff, actual, actualOff, length);
        if (problem != null) {
            Assertions.fail(what + ": " + problem);
        }
    }

    /** Null when every value is within tolerance, else a description of the mismatch. */
    public String describeMismatch(float[] expected, int expectedOff, float[] actual, int actualOff, int length) {
        int mismatches = 0;
        int first = -1;
        double maxErr = 0;
        int maxAt = -1;
        for (int i = 0; i < length; i++) {
            float e = expected[expectedOff + i];
            float a = actual[actualOff + i];
            if (!accepts(e, a)) {
                mismatches++;
                if (first < 0) {
                    first = i;
                }
            }
            double err = Double.isNaN(e) && Double.isNaN(a) ? 0 : Math.abs((double) a - e);
            if (Double.isNaN(err) || err > maxErr) {
                maxErr = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                maxAt = i;
            }
        }
        if (mismatches == 0) {
            return null;
        }
        return String.format("%d of %d values outside %s (atol=%g, rtol=%g); first bad index %d: expected %s, "
                        + "actual %s; max abs error %g at index %d",
                mismatches, length, name(), atol, rtol, first, expected[expectedOff + first],
                actual[actualOff + first], maxErr, maxAt);
    }
}
