package org.caffe4j.verify;

import org.caffe4j.files.Npy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    private final Set<String> detectionBlobs;

    public BlobComparator(Tolerances tol) {
        this(tol, Set.of());
    }

    /**
     * @param detectionBlobs tops of DetectionOutput layers: their rows [image_id, label, score, xmin, ymin, xmax,
     *                       ymax] are compared as a set per image (row order and padding rows differ between
     *                       runtimes: OpenCV sorts by score and pads with zeros, the SSD fork groups by label)
     */
    public BlobComparator(Tolerances tol, Set<String> detectionBlobs) {
        this.tol = tol;
        this.detectionBlobs = Set.copyOf(detectionBlobs);
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
        if (detectionBlobs.contains(name)) {
            return compareDetections(name, actual, ref);
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

    /**
     * The detections of both blobs as sets: the same number per image, and each actual row matched to a distinct
     * golden row of the same image and label whose score and coordinates are within atol (scaled as for any blob).
     * Rows with a negative label (the SSD fork's "no detection" rows, caffe4j's unused rows) and all-zero rows
     * (OpenCV's unused rows) are not detections.
     */
    BlobResult compareDetections(String name, Npy.Array actual, Npy.Array ref) {
        int[] refShape = ref.shape();
        if (!isDetectionShape(refShape) || !isDetectionShape(actual.shape())) {
            return new BlobResult(name, BlobResult.Status.SHAPE_MISMATCH, refShape, actual.shape(), Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, 0, null, "detection blobs must be 1 x 1 x rows x 7; got "
                    + BlobResult.shapeText(actual.shape()) + " against the golden " + BlobResult.shapeText(refShape));
        }
        List<float[]> a = detections(actual.data());
        List<float[]> r = detections(ref.data());
        double maxRef = 0;
        for (float[] row : r) {
            for (int j = 2; j < 7; j++) {
                maxRef = Math.max(maxRef, Math.abs(row[j]));
            }
        }
        double allowed = tol.atol() * Math.max(1, maxRef);
        long nonFinite = 0;
        for (float v : actual.data()) {
            nonFinite += Float.isFinite(v) ? 0 : 1;
        }
        List<String> why = new ArrayList<>();
        if (nonFinite > 0) {
            why.add(nonFinite + " non-finite value(s)");
        }
        if (a.size() != r.size()) {
            why.add(a.size() + " detection(s) but the golden blob has " + r.size());
        }
        boolean[] used = new boolean[r.size()];
        double maxAbs = 0;
        double sumAbs = 0;
        int unmatched = 0;
        String firstUnmatched = null;
        for (float[] row : a) {
            int best = -1;
            double bestDiff = Double.POSITIVE_INFINITY;
            for (int k = 0; k < r.size(); k++) {
                float[] g = r.get(k);
                if (used[k] || g[0] != row[0] || g[1] != row[1]) {
                    continue;
                }
                double d = 0;
                for (int j = 2; j < 7; j++) {
                    d = Math.max(d, Math.abs(row[j] - g[j]));
                }
                if (d < bestDiff) {
                    bestDiff = d;
                    best = k;
                }
            }
            if (best >= 0 && bestDiff <= allowed) {
                used[best] = true;
                maxAbs = Math.max(maxAbs, bestDiff);
                sumAbs += bestDiff;
            } else {
                unmatched++;
                if (firstUnmatched == null) {
                    firstUnmatched = Arrays.toString(row);
                }
            }
        }
        if (unmatched > 0) {
            why.add(unmatched + " detection(s) with no golden match within " + String.format("%.3g", allowed)
                    + ", first " + firstUnmatched);
        }
        double meanAbs = a.isEmpty() ? 0 : sumAbs / a.size();
        BlobResult.Status status = why.isEmpty() ? BlobResult.Status.PASS : BlobResult.Status.FAIL;
        return new BlobResult(name, status, refShape, actual.shape(), maxAbs, maxAbs / Math.max(1, maxRef), meanAbs,
                why.isEmpty() ? 1 : Double.NaN, nonFinite, null, String.join("; ", why));
    }

    private static boolean isDetectionShape(int[] shape) {
        return shape.length == 4 && shape[0] == 1 && shape[1] == 1 && shape[3] == 7;
    }

    private static List<float[]> detections(float[] data) {
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i + 7 <= data.length; i += 7) {
            float[] row = Arrays.copyOfRange(data, i, i + 7);
            boolean allZero = true;
            for (float v : row) {
                allZero &= v == 0;
            }
            if (!(row[1] < 0) && !allZero) {
                rows.add(row);
            }
        }
        return rows;
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
