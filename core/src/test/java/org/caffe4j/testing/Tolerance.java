package org.caffe4j.testing;

import org.junit.jupiter.api.Assertions;

/**
 * The project's named comparison levels: a value passes when |actual - expected| <= atol + rtol * |expected|.
 * EXACT for data movement (ReLU, Concat, MaxPool), CLOSE for element-wise arithmetic, APPROX for reductions whose
 * summation order differs from the reference (Convolution, InnerProduct, LRN, Softmax). SCALED is for Winograd
 * convolution, whose rounding error is bounded by the size of the whole sum's terms (the transforms mix
 * neighbouring inputs before multiplying) rather than by each output's own value, so a small output of a large
 * layer may differ by more than APPROX allows: its atol is multiplied by max(1, max |expected|) over the compared
 * values, as in the golden comparisons ({@code org.caffe4j.verify.Tolerances}). Two NaNs compare equal;
 * NaN against a number is a mismatch. A failure names the first bad index, the largest absolute error and how many
 * values are out of tolerance.
 */
public enum Tolerance {
    EXACT(0, 0),
    CLOSE(1e-6, 1e-6),
    APPROX(1e-4, 1e-4),
    SCALED(1e-4, 1e-4, true);

    private final double atol;
    private final double rtol;
    private final boolean scaled;

    Tolerance(double atol, double rtol) {
        this(atol, rtol, false);
    }

    Tolerance(double atol, double rtol, boolean scaled) {
        this.atol = atol;
        this.rtol = rtol;
        this.scaled = scaled;
    }

    public double atol() {
        return atol;
    }

    public double rtol() {
        return rtol;
    }

    /** Whether one value passes; for SCALED, with the atol of an output scale of 1. */
    public boolean accepts(double expected, double actual) {
        return accepts(expected, actual, 1);
    }

    private boolean accepts(double expected, double actual, double scale) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (expected == actual) {
            return true; // also equal infinities, whose difference would be NaN
        }
        return Math.abs(actual - expected) <= atol * scale + rtol * Math.abs(expected);
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
        double scale = 1;
        for (int i = 0; scaled && i < length; i++) {
            float e = expected[expectedOff + i];
            if (Float.isFinite(e)) {
                scale = Math.max(scale, Math.abs(e));
            }
        }
        int mismatches = 0;
        int first = -1;
        double maxErr = 0;
        int maxAt = -1;
        for (int i = 0; i < length; i++) {
            float e = expected[expectedOff + i];
            float a = actual[actualOff + i];
            if (!accepts(e, a, scale)) {
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
                mismatches, length, name(), atol * scale, rtol, first, expected[expectedOff + first],
                actual[actualOff + first], maxErr, maxAt);
    }
}
