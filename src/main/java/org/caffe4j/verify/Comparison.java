package org.caffe4j.verify;

import java.util.List;
import java.util.Locale;
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

    /** The same content as {@link #table()} as one JSON object. */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"passed\": ").append(passed()).append(",\n");
        b.append("  \"first_failure\": ").append(firstFailure().map(r -> Json.quote(r.name())).orElse("null"))
                .append(",\n");
        b.append("  \"tolerances\": {\"atol\": ").append(Json.number(tolerances.atol())).append(", \"rtol\": ")
                .append(Json.number(tolerances.rtol())).append(", \"mean_atol\": ")
                .append(Json.number(tolerances.meanAtol())).append("},\n");
        b.append("  \"blobs\": [");
        for (int i = 0; i < results.size(); i++) {
            BlobResult r = results.get(i);
            b.append(i == 0 ? "\n" : ",\n");
            b.append("    {\"name\": ").append(Json.quote(r.name()))
                    .append(", \"status\": ").append(Json.quote(r.status().name()))
                    .append(", \"shape\": ").append(Json.quote(BlobResult.shapeText(r.expectedShape())))
                    .append(", \"actual_shape\": ").append(r.actualShape() == null ? "null"
                            : Json.quote(BlobResult.shapeText(r.actualShape())))
                    .append(", \"max_abs\": ").append(Json.number(r.maxAbs()))
                    .append(", \"max_rel\": ").append(Json.number(r.maxRel()))
                    .append(", \"mean_abs\": ").append(Json.number(r.meanAbs()))
                    .append(", \"cosine\": ").append(Json.number(r.cosine()))
                    .append(", \"non_finite\": ").append(r.nonFinite())
                    .append(", \"top5_agrees\": ").append(r.top5() == null ? "null" : r.top5().toString())
                    .append(", \"detail\": ").append(Json.quote(r.detail())).append('}');
        }
        b.append("\n  ],\n  \"extra_actual_blobs\": [");
        for (int i = 0; i < extraActualBlobs.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(Json.quote(extraActualBlobs.get(i)));
        }
        return b.append("]\n}\n").toString();
    }
}
