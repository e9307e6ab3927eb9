package org.caffe4j.classify;

/** One ranked class: its label (the labels file's line, or the index as text), its index, and its probability. */
public record Prediction(String label, int index, float probability) {
    /** The header of {@link #csvRow}: {@code file,rank,index,label,probability}. */
    public static final String CSV_HEADER = "file,rank,index,label,probability";

    /**
     * This prediction as one CSV row (RFC 4180 quoting; the probability as {@link Float#toString}, which reads back
     * to the same float), as {@code caffe4j classify --csv} prints it.
     */
    public String csvRow(String file, int rank) {
        return csvField(file) + "," + rank + "," + index + "," + csvField(label) + "," + probability;
    }

    /** One CSV field, quoted (RFC 4180) when it holds a comma, quote or line break. */
    public static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
