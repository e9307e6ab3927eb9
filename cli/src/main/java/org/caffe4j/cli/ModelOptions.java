package org.caffe4j.cli;

import org.caffe4j.runtime.LoadOptions;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** Options shared by every command that loads a model. */
final class ModelOptions {
    @Option(names = "--batch", paramLabel = "N", description = "batch size of the input(s)")
    Integer batch;

    @Option(names = "--channels", paramLabel = "C", description = "channels of inputs made from data layers (default 3)")
    Integer channels;

    @Option(names = "--input-shape", paramLabel = "[BLOB=]N,C,H,W",
            description = "explicit input shape (repeatable; BLOB defaults to the first input)")
    java.util.List<String> inputShapes;

    @Option(names = "--ignore-unknown-fields", description = "load prototxts with fields from Caffe forks, ignoring them")
    boolean ignoreUnknownFields;

    @Option(names = "--add-softmax", description = "append a Softmax layer when the net does not end in one")
    boolean addSoftmax;

    @Option(names = "--threads", paramLabel = "T", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--reference", description = "use the plain reference kernels (slow; for checking)")
    boolean reference;

    LoadOptions toLoadOptions() {
        LoadOptions o = LoadOptions.defaults();
        if (threads != null) {
            if (threads < 1 || threads > LoadOptions.MAX_THREADS) {
                throw new IllegalArgumentException("--threads must be 1 to " + LoadOptions.MAX_THREADS + ", got "
                        + threads);
            }
            o = o.withThreads(threads);
        }
        if (batch != null && batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        if (channels != null && channels < 1) {
            throw new IllegalArgumentException("--channels must be at least 1, got " + channels);
        }
        o = o.withBatch(batch).withChannels(channels).withIgnoreUnknownFields(ignoreUnknownFields)
                .withAddSoftmax(addSoftmax).withReference(reference);
        if (inputShapes != null && !inputShapes.isEmpty()) {
            Map<String, int[]> m = new LinkedHashMap<>();
            for (String s : inputShapes) {
                int eq = s.indexOf('=');
                String blob = eq < 0 ? LoadOptions.FIRST_INPUT : s.substring(0, eq).trim();
                String dims = eq < 0 ? s : s.substring(eq + 1);
                if (eq >= 0 && blob.isEmpty()) {
                    throw new IllegalArgumentException("--input-shape '" + s + "': the blob name before '=' is empty");
                }
                m.put(blob, dims(s, dims));
            }
            o = o.withInputShapes(m);
        }
        return o;
    }

    /** Parses "N,C,H,W" (or with 'x'); every dimension a positive integer. */
    private static int[] dims(String option, String text) {
        String[] parts = text.split("[,x]", -1);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--input-shape '" + option + "': '" + parts[i].trim()
                        + "' is not an integer; expected [BLOB=]N,C,H,W");
            }
            if (out[i] < 1) {
                throw new IllegalArgumentException("--input-shape '" + option + "': dimension " + out[i]
                        + " must be at least 1");
            }
        }
        return out;
    }

    /**
     * With --ignore-unknown-fields, names every field that was dropped (one {@code warning:} line each on stderr),
     * so that a user never loses a field without a word.
     */
    void reportIgnoredFields(java.util.List<String> notes, java.io.PrintWriter err) {
        if (ignoreUnknownFields) {
            notes.stream().filter(n -> n.contains("ignored unknown field")).forEach(n -> err.println("warning: " + n));
            err.flush();
        }
    }
}
