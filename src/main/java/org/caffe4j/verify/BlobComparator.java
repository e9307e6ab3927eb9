package org.caffe4j.verify;

import org.caffe4j.io.Npy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Compares actual blobs with golden blobs under {@link Tolerances}, in the golden network order. A missing blob or
 * a shape mismatch is a failure of that blob, not an exception, so one report shows everything.
 *
 * <p><b>Classifier-like blobs</b> get a top-5 check as well: a blob shaped N x K, or N x K x 1 x ... x 1, with
 * K >= 5 (this covers Softmax/InnerProduct outputs and NIN's globally pooled N x 1000 x 1 x 1). For each of the N
 * rows, the i-th class of the actual ranking must have a reference score within {@code 2 * e} of the reference's
 * i-th score, where {@code e = min(atol, 1e-4) * max(1, max|ref|)}: at that precision only classes whose reference
 * scores are that close can legitimately swap places; any other reordering is a real disagreement, even when a
 * user-loosened atol lets the values themselves pass.
 */
public final class BlobComparator {
    static final int TOP_K = 5;
    private final Tolerances tol;

    public BlobComparator(Tolerances tol) {
        this.tol = tol;
    }

    public BlobComparator() {
        this(Tolerances.DEFAULT);
    }

    public Tolerances tolerances() {
        return tol;
    }

    /** Compares every blob of the golden set (all of them; none is skipped) with {@code actual}. */
    public Comparison compare(Map<String, Npy.Array> actual, GoldenSet golden) throws IOException {
        return compare(actual, golden.readAll());
    }

    /** @param golden golden blobs in network order */
    public Comparison compare(Map<String, Npy.Array> actual, Map<String, Npy.Array> golden) {
        List<BlobResult> results = new ArrayList<>();
        for (Map.Entry<String, Npy.Array> g : golden.entrySet()) {
            results.add(compareBlob(g.getKey(), actual.get(g.getKey()), g.getValue()));
        }
        List<String> extra = new ArrayList<>();
        for (String name : actual.keySet()) {
            if (!golden.containsKey(name)) {
                extra.add(name);
            }
        }
        return new Comparison(results, extra, tol);
    }

    /** Compares one blob; {@code actual} may be null (missing). */
    public BlobResult compareBlob(String name, Npy.Array actual, Npy.Array ref) {
        int[] refShape = ref.shape();
        if (actual == null) {
            return new BlobResult(name, BlobResult.Status.MISSING, refShape, null, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, 0, null, "the runtime produced no blob '" + name + "'");
        }
        if (!Arrays.equals(actual.shape(), refShape) || actual.data().length != ref.data().length) {
            return new BlobResult(name, BlobResult.Status.SHAPE_MISMATCH, refShape, actual.shape(), Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, 0, null, "shape " + BlobResult.shapeText(actual.shape())
                    + " but the golden blob is " + BlobResult.shapeText(refShape));
        }
        float[] a = actual.data();
        float[] r = ref.data();
        int n = r.length;
        double maxRef = 0;
        double sumRef = 0;
        for (float v : r) {
            maxRef = Math.max(maxRef, Math.abs(v));
            sumRef += Math.abs(v);
        }
        double scale = Math.max(1, maxRef);
        double allowedAbs = tol.atol() * scale;
        double maxAbs = 0;
        double sumAbs = 0;
        double dot = 0;
        double normA = 0;
        double normR = 0;
        long nonFinite = 0;
        long overTolerance = 0;
        int firstNonFinite = -1;
        int firstOver = -1;
        for (int i = 0; i < n; i++) {
            double av = a[i];
            double rv = r[i];
            if (!Double.isFinite(av) || !Double.isFinite(rv)) {
                nonFinite++;
                if (firstNonFinite < 0) {
                    firstNonFinite = i;
                }
                continue;
            }
            double d = Math.abs(av - rv);
            maxAbs = Math.max(maxAbs, d);
            sumAbs += d;
            dot += av * rv;
            normA += av * av;
            normR += rv * rv;
            if (d > allowedAbs + tol.rtol() * Math.abs(rv)) {
                overTolerance++;
                if (firstOver < 0) {
                    firstOver = i;
                }
            }
        }
        double meanAbs = n == 0 ? 0 : sumAbs / n;
        double meanRef = n == 0 ? 0 : sumRef / n;
        double cosine = normA == 0 && normR == 0 ? 1 : (normA == 0 || normR == 0 ? 0 : dot / Math.sqrt(normA * normR));
        if (nonFinite > 0) {
            // A NaN must never hide inside statistics that skip it.
            maxAbs = Double.NaN;
            meanAbs = Double.NaN;
            cosine = Double.NaN;
        }
        double maxRel = maxAbs / scale;
        // Ties are judged at the default precision even when the user loosens atol, so that a looser value
        // tolerance never lets a different ranking through.
        double tieTolerance = 2 * Math.min(tol.atol(), Tolerances.DEFAULT.atol()) * scale;
        Boolean top5 = isClassifierLike(refShape) ? topKAgrees(a, r, refShape, tieTolerance) : null;

        List<String> why = new ArrayList<>();
        if (nonFinite > 0) {
            why.add(nonFinite + " non-finite value(s), first at index " + firstNonFinite + " "
                    + indexText(firstNonFinite, refShape));
        }
        if (overTolerance > 0) {
            why.add(String.format("%d element(s) over tolerance, first at index %d (%s): actual %s vs golden %s;"
                            + " max abs %.3g > %.3g", overTolerance, firstOver, indexText(firstOver, refShape),
                    a[firstOver], r[firstOver], maxAbs, allowedAbs));
        }
        double allowedMean = tol.meanAtol() * Math.max(1, meanRef);
        if (nonFinite == 0 && meanAbs > allowedMean) {
            why.add(String.format("mean abs %.3g > %.3g", meanAbs, allowedMean));
        }
        if (Boolean.FALSE.equals(top5)) {
            why.add("top-5 classes differ from the golden ranking");
        }
        BlobResult.Status status = why.isEmpty() ? BlobResult.Status.PASS : BlobResult.Status.FAIL;
        return new BlobResult(name, status, refShape, actual.shape(), maxAbs, maxRel, meanAbs, cosine, nonFinite,
                top5, String.join("; ", why));
    }

    /** N x K, or N x K x 1 x ... x 1, with K >= 5. */
    static boolean isClassifierLike(int[] shape) {
        if (shape.length < 2 || shape[1] < TOP_K) {
            return false;
        }
        for (int i = 2; i < shape.length; i++) {
            if (shape[i] != 1) {
                return false;
            }
        }
        return true;
    }

    private static boolean topKAgrees(float[] a, float[] r, int[] shape, double tieTolerance) {
        int rows = shape[0];
        int k = shape[1];
        for (int row = 0; row < rows; row++) {
            int[] topA = topK(a, row * k, k);
            int[] topR = topK(r, row * k, k);
            for (int i = 0; i < TOP_K; i++) {
                float byRefOfActualChoice = r[row * k + topA[i]];
                if (!(Math.abs(byRefOfActualChoice - r[row * k + topR[i]]) <= tieTolerance)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Indices of the 5 largest values of x[off, off+k), largest first; NaN ranks above everything. */
    static int[] topK(float[] x, int off, int k) {
        int[] best = new int[TOP_K];
        Arrays.fill(best, -1);
        for (int j = 0; j < k; j++) {
            float v = x[off + j];
            int pos = TOP_K;
            while (pos > 0 && (best[pos - 1] < 0 || greater(v, x[off + best[pos - 1]]))) {
                pos--;
            }
            if (pos < TOP_K) {
                System.arraycopy(best, pos, best, pos + 1, TOP_K - 1 - pos);
                best[pos] = j;
            }
        }
        return best;
    }

    private static boolean greater(float v, float w) {
        return Float.isNaN(v) ? !Float.isNaN(w) : v > w;
    }

    static String indexText(int flat, int[] shape) {
        if (flat < 0) {
            return "-";
        }
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return Arrays.toString(idx);
    }
}
