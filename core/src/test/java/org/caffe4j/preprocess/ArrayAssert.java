package org.caffe4j.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparison that reports the first bad index, the max abs error and the mismatch count. */
final class ArrayAssert {
    private ArrayAssert() {
    }

    static void assertShape(int[] expected, int[] actual) {
        assertArrayEquals(expected, actual, "shape");
    }

    /** |expected − actual| ≤ atol everywhere; returns the max abs error. */
    static double assertClose(float[] expected, float[] actual, double atol, String what) {
        if (expected.length != actual.length) {
            fail(what + ": " + actual.length + " values, expected " + expected.length);
        }
        double max = 0;
        int bad = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs((double) expected[i] - actual[i]);
            if (!(err <= atol)) {
                bad++;
                if (first < 0) {
                    first = i;
                }
            }
            max = Math.max(max, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + expected.length + " values differ by more than " + atol
                    + "; first at index " + first + " (expected " + expected[first] + ", got " + actual[first]
                    + "); max abs error " + max);
        }
        return max;
    }
}
