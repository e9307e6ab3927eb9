package org.caffe4j.fetch;

import org.caffe4j.registry.WeightsSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Puts model weights into the cache ({@link CacheDir}): downloads them, or imports a copy the user already has.
 * Either way the bytes go to a temporary file in the target folder, are verified (SHA-1 and size, when published),
 * and only then renamed atomically to their final name — an interrupted or failed transfer never leaves a file
 * under the real name. The user's own file is only read.
 */
public final class WeightsFetcher {
    private static final int CONNECT_TIMEOUT_MS = 30_000;
    private static final int READ_TIMEOUT_MS = 60_000;

    /**
     * @param force          download again even when the cache already holds the file
     * @param acceptMismatch keep a file whose SHA-1 or size differs from the published values (a warning, not an error)
     * @param progress       draw a progress bar on the progress stream
     */
    public record Options(boolean force, boolean acceptMismatch, boolean progress) {
        public static Options defaults() {
            return new Options(false, false, ProgressBar.interactiveByDefault());
        }
    }

    /** What ended up in the cache. {@code warning} is non-null when a mismatch was accepted. */
    public record Result(Path file, String sha1, long size, boolean transferred, String warning) {
    }

    private final Path cacheDir;
    private final PrintWriter progressOut;

    /** @param progressOut where progress bars go (normally stderr); null for none */
    public WeightsFetcher(Path cacheDir, PrintWriter progressOut) {
        this.cacheDir = cacheDir;
        this.progressOut = progressOut;
    }

    /** Where a model's weights live in the cache: {@code <cache>/<model>/<weights.file>}. */
    public Path target(String model, WeightsSpec weights) {
        return cacheDir.resolve(model).resolve(weights.file());
    }

    /** Downloads the weights unless the cache has them (or {@code force}). */
    public Result fetch(String model, WeightsSpec weights, Options options) throws IOException {
        Path target = target(model, weights);
        if (!options.force() && Files.isRegularFile(target)) {
            return new Result(target, null, Files.size(target), false, null);
        }
        if (!weights.downloadable()) {
            throw new IllegalArgumentException("model '" + model + "' has no download URL for " + weights.file()
                    + "; import a copy with --from FILE");
        }
        URI uri = URI.create(weights.url());
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), weights.file() + ".", ".part");
        Thread cleanup = deleteOnExit(tmp);
        try {
            String sha1;
            long size;
            HttpURLConnection http = open(uri);
            try (InputStream in = http.getInputStream(); OutputStream out = Files.newOutputStream(tmp)) {
                long expected = http.getContentLengthLong();
                ProgressBar bar = ProgressBar.forBytes(options.progress() ? progressOut : null, weights.file(),
                        expected > 0 ? expected : weights.size());
                Copied c = copy(in, out, bar);
                bar.finish();
                if (expected >= 0 && c.size != expected) {
                    throw new IOException("download of " + uri + " ended after " + c.size + " of " + expected + " bytes");
                }
                sha1 = c.sha1;
                size = c.size;
            } finally {
                http.disconnect();
            }
            return install(tmp, target, weights, sha1, size, options, uri.toString());
        } finally {
            Files.deleteIfExists(tmp);
            removeHook(cleanup);
        }
    }

    /** Copies a file the user already has into the cache, verified the same way; the user's file is not touched. */
    public Result importFrom(String model, WeightsSpec weights, Path from, Options options) throws IOException {
        if (!Files.isRegularFile(from)) {
            throw new java.nio.file.NoSuchFileException(from.toString());
        }
        Path target = target(model, weights);
        Files.createDirectories(target.getParent());
        if (Files.isRegularFile(target) && Files.isSameFile(from, target)) {
            // Already the cached file: verify in place, never rewrite it.
            Copied c;
            try (InputStream in = Files.newInputStream(from)) {
                c = copy(in, OutputStream.nullOutputStream(), ProgressBar.forBytes(null, "", -1));
            }
            String warning = verify(weights, c.sha1, c.size, options, from.toString());
            return new Result(target, c.sha1, c.size, false, warning);
        }
        Path tmp = Files.createTempFile(target.getParent(), weights.file() + ".", ".part");
        Thread cleanup = deleteOnExit(tmp);
        try {
            Copied c;
            try (InputStream in = Files.newInputStream(from); OutputStream out = Files.newOutputStream(tmp)) {
                ProgressBar bar = ProgressBar.forBytes(options.progress() ? progressOut : null, weights.file(),
                        Files.size(from));
                c = copy(in, out, bar);
                bar.finish();
            }
            return install(tmp, target, weights, c.sha1, c.size, options, from.toString());
        } finally {
            Files.deleteIfExists(tmp);
            removeHook(cleanup);
        }
    }

    private Result install(Path tmp, Path target, WeightsSpec weights, String sha1, long size, Options options,
                           String origin) throws IOException {
        String warning = verify(weights, sha1, size, options, origin);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Result(target, sha1, size, true, warning);
    }

    /** Throws on a mismatch, or returns a warning when mismatches are accepted; null when all is well. */
    private static String verify(WeightsSpec weights, String sha1, long size, Options options, String origin) {
        StringBuilder problems = new StringBuilder();
        if (weights.sha1() != null && !weights.sha1().equals(sha1)) {
            problems.append("SHA-1 mismatch: expected ").append(weights.sha1()).append(", got ").append(sha1);
        }
        if (weights.size() >= 0 && weights.size() != size) {
            problems.append(problems.length() > 0 ? "; " : "").append("size mismatch: expected ")
                    .append(weights.size()).append(" bytes, got ").append(size);
        }
        if (problems.length() == 0) {
            return null;
        }
        String message = weights.file() + " from " + origin + ": " + problems + " (" + size + " bytes, SHA-1 " + sha1 + ")";
        if (options.acceptMismatch()) {
            return message + "; accepted (--accept-checksum)";
        }
        throw new ChecksumMismatchException(message + ". The file was not kept. If you trust it, run again with "
                + "--accept-checksum.", weights.sha1(), sha1);
    }

    private static HttpURLConnection open(URI uri) throws IOException {
        URLConnection c = uri.toURL().openConnection();
        if (!(c instanceof HttpURLConnection http)) {
            throw new IllegalArgumentException("only http(s) downloads are supported, got " + uri);
        }
        http.setConnectTimeout(CONNECT_TIMEOUT_MS);
        http.setReadTimeout(READ_TIMEOUT_MS);
        http.setInstanceFollowRedirects(true);
        http.setRequestProperty("User-Agent", "caffe4j");
        int code;
        try {
            code = http.getResponseCode();
        } catch (java.net.UnknownHostException | java.net.ConnectException | java.net.SocketTimeoutException e) {
            // Say what failed and what to do instead: offline machines import a copy with --from.
            String why = e instanceof java.net.UnknownHostException ? "unknown host " + e.getMessage()
                    : e instanceof java.net.SocketTimeoutException ? "timed out" : "connection refused";
            throw new IOException("cannot download " + uri + " (" + why + "); on a machine without network access, "
                    + "download the file elsewhere and import it with: caffe4j fetch MODEL --from FILE", e);
        }
        if (code != HttpURLConnection.HTTP_OK) {
            String reason = http.getResponseMessage();
            http.disconnect();
            throw new IOException("download of " + uri + " failed: HTTP " + code + (reason == null ? "" : " " + reason));
        }
        return http;
    }

    private record Copied(String sha1, long size) {
    }

    private static Copied copy(InputStream in, OutputStream out, ProgressBar bar) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-1", e);
        }
        byte[] buf = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            md.update(buf, 0, n);
            total += n;
            bar.update(total);
        }
        return new Copied(HexFormat.of().formatHex(md.digest()), total);
    }

    /** Removes the temporary file if the JVM is stopped (Ctrl-C) mid-transfer, when finally blocks do not run. */
    private static Thread deleteOnExit(Path tmp) {
        Thread hook = new Thread(() -> {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort while the JVM shuts down
            }
        }, "caffe4j-fetch-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook runs anyway
        }
    }
}
