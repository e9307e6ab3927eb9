package org.caffe4j.verify;

import java.util.Arrays;

/**
 * The comparison of one blob with its golden value.
 *
 * @param expectedShape golden shape (never null)
 * @param actualShape   actual shape, or null when the blob is missing
 * @param maxAbs        max |a - ref| (NaN when not computed: missing or shape mismatch)
 * @param maxRel        maxAbs / max(1, max|ref|): the quantity the rule compares with atol
 * @param meanAbs       mean |a - ref|
 * @param cosine        cosine similarity of a and ref (1 when both are all zeros)
 * @param nonFinite     how many actual values are NaN or infinite
 * @param top5          null when the blob is not classifier-like, else whether the top-5 agrees on every row
 * @param detail        why the blob failed (empty when it passed)
 */
public record BlobResult(String name, Status status, int[] expectedShape, int[] actualShape,
                         double maxAbs, double maxRel, double meanAbs, double cosine, long nonFinite,
                         Boolean top5, String detail) {
    public enum Status {
        PASS, FAIL, SHAPE_MISMATCH, MISSING
    }

    public boolean passed() {
        return status == Status.PASS;
    }

    static String shapeText(int[] shape) {
        if (shape == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : "x").append(shape[i]);
        }
        return shape.length == 0 ? "scalar" : b.toString();
    }

    @Override
    public String toString() {
        return name + " " + status + " " + Arrays.toString(expectedShape) + (detail.isEmpty() ? "" : ": " + detail);
    }
}
