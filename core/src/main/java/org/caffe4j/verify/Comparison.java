package org.caffe4j.verify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The result of comparing a run with a golden set: one {@link BlobResult} per golden blob in network order, the
 * actual blobs that have no golden value (informational), and the FIRST failing blob, which is where a bug
 * entered: every later blob inherits its error.
 */
public final class Comparison {
    private final List<BlobResult> results;
    private final List<String> extraActualBlobs;
    private final Tolerances tolerances;

    public Comparison(List<BlobResult> results, List<String> extraActualBlobs, Tolerances tolerances) {
        this.results = List.copyOf(results);
        this.extraActualBlobs = List.copyOf(extraActualBlobs);
        this.tolerances = tolerances;
    }

    public List<BlobResult> results() {
        return results;
    }

    public List<String> extraActualBlobs() {
        return extraActualBlobs;
    }

    public Tolerances tolerances() {
        return tolerances;
    }

    public boolean passed() {
        return !results.isEmpty() && results.stream().allMatch(BlobResult::passed);
    }

    public Optional<BlobResult> firstFailure() {
        return results.stream().filter(r -> !r.passed()).findFirst();
    }

    public List<BlobResult> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    public BlobResult result(String blob) {
        return results.stream().filter(r -> r.name().equals(blob)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no result for blob '" + blob + "'"));
    }

    /** A fixed-width table in network order; the first failing blob is marked. */
    public String table() {
        int nameWidth = Math.max(4, results.stream().mapToInt(r -> r.name().length()).max().orElse(4));
        int shapeWidth = Math.max(5, results.stream()
                .mapToInt(r -> BlobResult.shapeText(r.actualShape() != null ? r.actualShape() : r.expectedShape())
                        .length()).max().orElse(5));
        String fmt = "%-" + nameWidth + "s  %-" + shapeWidth + "s  %10s  %10s  %10s  %10s  %s%n";
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, fmt, "blob", "shape", "max abs", "max rel", "mean abs", "cosine",
                "result"));
        String first = firstFailure().map(BlobResult::name).orElse(null);
        for (BlobResult r : results) {
            String shape = r.status() == BlobResult.Status.SHAPE_MISMATCH
                    ? BlobResult.shapeText(r.actualShape()) + "!=" + BlobResult.shapeText(r.expectedShape())
                    : BlobResult.shapeText(r.expectedShape());
            String result = switch (r.status()) {
                case PASS -> "pass";
                case FAIL -> "FAIL";
                case SHAPE_MISMATCH -> "FAIL (shape)";
                case MISSING -> "FAIL (missing)";
            };
            if (r.name().equals(first)) {
                result += "  <-- first failure: " + r.detail();
            }
            b.append(String.format(Locale.ROOT, fmt, r.name(), shape, num(r.maxAbs()), num(r.maxRel()),
                    num(r.meanAbs()), r.cosine() == r.cosine() ? String.format(Locale.ROOT, "%.6f", r.cosine()) : "-",
                    result));
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        b.append(String.format(Locale.ROOT, "%d of %d blobs pass (atol %.3g, rtol %.3g, mean atol %.3g)%s%n",
                results.size() - failed, results.size(), tolerances.atol(), tolerances.rtol(), tolerances.meanAtol(),
                first == null ? "" : "; first failure: " + first));
        return b.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3e", v);
    }

    /**
     * The same content as {@link #table()} as plain maps and lists (for a JSON writer): passed, first_failure,
     * tolerances, one entry per blob in network order, and the actual blobs without a golden value.
     */
    public Map<String, Object> toReport() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("passed", passed());
        report.put("first_failure", firstFailure().map(BlobResult::name).orElse(null));
        Map<String, Object> tol = new LinkedHashMap<>();
        tol.put("atol", tolerances.atol());
        tol.put("rtol", tolerances.rtol());
        tol.put("mean_atol", tolerances.meanAtol());
        report.put("tolerances", tol);
        List<Map<String, Object>> blobs = new ArrayList<>();
        for (BlobResult r : results) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("name", r.name());
            b.put("status", r.status().name());
            b.put("shape", r.expectedShape());
            b.put("actual_shape", r.actualShape());
            b.put("max_abs", r.maxAbs());
            b.put("max_rel", r.maxRel());
            b.put("mean_abs", r.meanAbs());
            b.put("cosine", r.cosine());
            b.put("non_finite", r.nonFinite());
            b.put("top5_agrees", r.top5());
            b.put("detail", r.detail());
            blobs.add(b);
        }
        report.put("blobs", blobs);
        report.put("extra_actual_blobs", extraActualBlobs);
        return report;
    }
}
