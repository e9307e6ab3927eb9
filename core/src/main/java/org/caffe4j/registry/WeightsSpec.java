package org.caffe4j.registry;

/**
 * Where a model's caffemodel comes from: a file name (in the model folder when shipped, else in the cache),
 * an optional download URL, and the SHA-1 and size to verify (null / -1 when not published).
 */
public record WeightsSpec(String file, String url, String sha1, long size) {
    public WeightsSpec {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("weights.file is required");
        }
        FileNames.requirePlain("weights.file", file);
        if (sha1 != null && !sha1.matches("[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("weights.sha1 must be 40 hex digits, got '" + sha1 + "'");
        }
        sha1 = sha1 == null ? null : sha1.toLowerCase(java.util.Locale.ROOT);
    }

    public boolean downloadable() {
        return url != null && !url.isBlank();
    }
}
