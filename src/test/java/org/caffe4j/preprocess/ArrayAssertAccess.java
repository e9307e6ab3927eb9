package org.caffe4j.preprocess;

/** Lets tests in other packages use {@link ArrayAssert}. */
public final class ArrayAssertAccess {
    private ArrayAssertAccess() {
    }

    public static double close(float[] expected, float[] actual, double atol, String what) {
        return ArrayAssert.assertClose(expected, actual, atol, what);
    }
}
