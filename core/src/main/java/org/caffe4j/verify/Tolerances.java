package org.caffe4j.verify;

/**
 * The per-blob acceptance rule of golden comparisons. A blob passes when, with {@code scale = max(1, max|ref|)}:
 * <ul>
 *   <li>every element satisfies {@code |a - ref| <= atol * scale + rtol * |ref|} (with the default
 *       {@code rtol = 0} this is the project rule {@code max|a - ref| <= atol * max(1, max|ref|)});</li>
 *   <li>{@code mean|a - ref| <= meanAtol * max(1, mean|ref|)};</li>
 *   <li>every value of the actual blob is finite (a NaN never passes);</li>
 *   <li>for a classifier-like blob, the top-5 agrees (see {@link BlobComparator}).</li>
 * </ul>
 * Scaling by the blob's magnitude keeps the rule meaningful both for probabilities (~1) and for NIN's raw
 * activations (~1000), where float32 accumulation-order noise grows with the values themselves.
 *
 * @param atol     max-abs tolerance relative to {@code max(1, max|ref|)}; default 1e-4
 * @param rtol     extra element-wise slack proportional to {@code |ref|}; default 0
 * @param meanAtol mean-abs tolerance relative to {@code max(1, mean|ref|)}; default 1e-5
 */
public record Tolerances(double atol, double rtol, double meanAtol) {
    public static final Tolerances DEFAULT = new Tolerances(1e-4, 0, 1e-5);

    public Tolerances {
        if (!(atol >= 0) || !(rtol >= 0) || !(meanAtol >= 0)) {
            throw new IllegalArgumentException("tolerances must be finite and >= 0: atol " + atol + ", rtol " + rtol
                    + ", mean atol " + meanAtol);
        }
    }

    public Tolerances withAtol(double a) {
        return new Tolerances(a, rtol, meanAtol);
    }

    public Tolerances withRtol(double r) {
        return new Tolerances(atol, r, meanAtol);
    }
}
