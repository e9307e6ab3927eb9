package org.caffe4j.fetch;

import org.caffe4j.files.AtomicFiles;
import org.caffe4j.registry.FileNames;
import org.caffe4j.registry.WeightsSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts model weights into the cache ({@link org.caffe4j.registry.CacheDir}): downloads them, or imports a copy the user already has.
 * Either way the bytes go to a part file in the target folder, are verified, and only then renamed atomically to
 * their final name, so an interrupted or failed transfer never leaves a file under the real name. The user's own
 * file is only read.
 *
 * <p>A download is installed only when its completeness is proven: the manifest's SHA-1 or size matches, the
 * server's Content-Length matches the bytes received, or a chunked body ended with its terminating chunk. A body
 * that simply stops (a close-delimited response) could be cut short, so without such a proof it is refused. Two
 * deadlines bound a transfer, a stall deadline (no byte for that long) and a total deadline, and no more bytes are
 * read than the manifest size, the Content-Length or the download limit allows. Every error names the URL (or the
 * imported file) and the destination.
 */
public final class WeightsFetcher {
    public static final String STALL_TIMEOUT_PROPERTY = "caffe4j.fetch.stallTimeout";
    public static final String TIMEOUT_PROPERTY = "caffe4j.fetch.timeout";
    public static final String MAX_BYTES_PROPERTY = "caffe4j.fetch.maxBytes";
    static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    /** Far above any published caffemodel (VGG-16: 0.55 GB), far below what a hostile server could claim. */
    static final long DEFAULT_MAX_BYTES = 8L << 30;
    /** Deadlines above this (about 31 years) are treated as mistakes, and keep nanosecond arithmetic in range. */
    private static final double MAX_SECONDS = 1e9;
    private static final String FROM_HINT = "on a machine without network access, download the file elsewhere and"
            + " import it with: caffe4j fetch MODEL --from FILE";

    /**
     * @param force          download again even when the cache already holds the file
     * @param acceptMismatch keep a file whose SHA-1 or size differs from the published values (a warning, not an error)
     * @param progress       draw a progress bar on the progress stream
     * @param stallTimeout   fail when no byte arrives for this long (also the connect timeout)
     * @param totalTimeout   fail when the whole transfer takes longer than this
     * @param maxBytes       never read more than this many bytes, whatever the server or manifest declares
     */
    public record Options(boolean force, boolean acceptMismatch, boolean progress, Duration stallTimeout,
                          Duration totalTimeout, long maxBytes) {
        public Options {
            requireDeadline(stallTimeout, "the stall timeout");
            requireDeadline(totalTimeout, "the total timeout");
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("the download limit must be a positive number of bytes, got "
                        + maxBytes);
            }
        }

        /** Deadlines and limit from the system properties {@value #STALL_TIMEOUT_PROPERTY} (seconds),
         *  {@value #TIMEOUT_PROPERTY} (seconds) and {@value #MAX_BYTES_PROPERTY}, else the defaults (30 s, 30 min,
         *  8 GiB). */
        public Options(boolean force, boolean acceptMismatch, boolean progress) {
            this(force, acceptMismatch, progress,
                    secondsProperty(STALL_TIMEOUT_PROPERTY, DEFAULT_STALL_TIMEOUT),
                    secondsProperty(TIMEOUT_PROPERTY, DEFAULT_TIMEOUT),
                    bytesProperty(MAX_BYTES_PROPERTY, DEFAULT_MAX_BYTES));
        }

        public static Options defaults() {
            return new Options(false, false, ProgressBar.interactiveByDefault());
        }

        public Options withDeadlines(Duration stall, Duration total) {
            return new Options(force, acceptMismatch, progress, stall, total, maxBytes);
        }

        public Options withMaxBytes(long limit) {
            return new Options(force, acceptMismatch, progress, stallTimeout, totalTimeout, limit);
        }

        private static void requireDeadline(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero() || d.compareTo(Duration.ofSeconds((long) MAX_SECONDS)) > 0) {
                throw new IllegalArgumentException(what + " must be more than 0 and at most " + (long) MAX_SECONDS
                        + " seconds, got " + (d == null ? "none" : seconds(d)));
            }
        }
    }

    /** A deadline given in (possibly fractional) seconds, e.g. on the command line; {@code what} names it in errors. */
    public static Duration parseSeconds(String text, String what) {
        double s;
        try {
            s = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            s = Double.NaN;
        }
        if (!(s > 0 && s <= MAX_SECONDS)) {
            throw new IllegalArgumentException(what + " must be a number of seconds above 0 and at most "
                    + (long) MAX_SECONDS + ", got '" + text + "'");
        }
        return Duration.ofNanos(Math.max(1, Math.round(s * 1e9)));
    }

    private static Duration secondsProperty(String name, Duration fallback) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? fallback : parseSeconds(v, "system property " + name);
    }

    private static long bytesProperty(String name, long fallback) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("system property " + name + " must be a positive number of bytes, got '"
                + v + "'");
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
        return cacheDir.resolve(FileNames.requirePlain("model name", model))
                .resolve(FileNames.requirePlain("weights.file", weights.file()));
    }

    /** Downloads the weights unless the cache has them (or {@code force}). */
    public Result fetch(String model, WeightsSpec weights, Options options) throws IOException {
        Path target = target(model, weights);
        if (!options.force() && Files.isRegularFile(target)) {
            return new Result(target, null, Files.size(target), false, null);
        }
        if (!weights.downloadable()) {
            throw new IllegalArgumentException("model '" + model + "' has no download URL for " + target
                    + "; import a copy with --from FILE");
        }
        URI uri = httpUri(weights.url(), target);
        String failure = "download of " + uri + " into " + target + " failed: ";
        Files.createDirectories(target.getParent());
        if (weights.size() >= 0) {
            String problem = declaredSizeProblem(weights.size(), "weights.size in the manifest", options, target);
            if (problem != null) {
                throw new IOException(failure + problem);
            }
        }
        Path tmp = AtomicFiles.createTemporaryBeside(target);
        Thread cleanup = deleteOnExit(tmp);
        try {
            Received r = new Download(uri, target, weights, options, failure).into(tmp);
            String warning = verify(weights, r.sha1, r.size, options, uri.toString(), target);
            requireProvenComplete(weights, r, failure);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Result(target, r.sha1, r.size, true, warning);
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
        String failure = "import of " + from + " into " + target + " failed: ";
        Files.createDirectories(target.getParent());
        if (Files.isRegularFile(target) && Files.isSameFile(from, target)) {
            // Already the cached file: verify in place, never rewrite it.
            Digest d = new Digest();
            try (InputStream in = Files.newInputStream(from)) {
                in.transferTo(d.counting(OutputStream.nullOutputStream(), ProgressBar.forBytes(null, "", -1)));
            } catch (IOException e) {
                throw new IOException(failure + describe(e), e);
            }
            String sha1 = d.sha1();
            String warning = verify(weights, sha1, d.size, options, from.toString(), target);
            return new Result(target, sha1, d.size, false, warning);
        }
        Path tmp = AtomicFiles.createTemporaryBeside(target);
        Thread cleanup = deleteOnExit(tmp);
        try {
            Digest d = new Digest();
            try (InputStream in = Files.newInputStream(from); OutputStream out = openPart(tmp)) {
                ProgressBar bar = ProgressBar.forBytes(options.progress() ? progressOut : null, weights.file(),
                        Files.size(from));
                in.transferTo(d.counting(out, bar));
                bar.finish();
            } catch (IOException e) {
                throw new IOException(failure + describe(e), e);
            }
            String sha1 = d.sha1();
            String warning = verify(weights, sha1, d.size, options, from.toString(), target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Result(target, sha1, d.size, true, warning);
        } finally {
            Files.deleteIfExists(tmp);
            removeHook(cleanup);
        }
    }

    private static OutputStream openPart(Path tmp) throws IOException {
        return Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                LinkOption.NOFOLLOW_LINKS);
    }

    private static URI httpUri(String url, Path target) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("weights.url '" + url + "' for " + target + " is not a URL: "
                    + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("weights.url '" + url + "' for " + target
                    + ": only http(s) downloads are supported");
        }
        return uri;
    }

    /** Why a declared size cannot be trusted (above the download limit, or more than the free space), or null. */
    private static String declaredSizeProblem(long size, String declaredBy, Options options, Path target)
            throws IOException {
        if (size > options.maxBytes()) {
            return declaredBy + " declares " + size + " bytes, more than the download limit of "
                    + options.maxBytes() + " bytes (raise it with --max-bytes or -D" + MAX_BYTES_PROPERTY + ")";
        }
        long free = Files.getFileStore(target.getParent()).getUsableSpace();
        if (size > free) {
            return declaredBy + " declares " + size + " bytes, more than the " + free + " bytes free in "
                    + target.getParent();
        }
        return null;
    }

    /** What a transfer delivered, and what the server said about its length. */
    private record Received(String sha1, long size, long contentLength, boolean chunked) {
    }

    /** Refuses a body that may have been cut short: see the class comment for what counts as proof. */
    private static void requireProvenComplete(WeightsSpec weights, Received r, String failure) throws IOException {
        boolean sha1Proves = weights.sha1() != null && weights.sha1().equals(r.sha1);
        boolean sizeProves = weights.size() >= 0 && weights.size() == r.size;
        // A Content-Length that differs from the bytes received was refused during the transfer.
        if (sha1Proves || sizeProves || r.contentLength >= 0 || r.chunked) {
            return;
        }
        throw new IOException(failure + "cannot prove the download is complete: the server sent " + r.size
                + " bytes with neither a Content-Length nor chunked encoding, and the manifest has "
                + (weights.sha1() == null && weights.size() < 0 ? "no sha1 or size to check them against"
                : "a sha1/size they do not match") + "; add sha1 to the manifest or use fetch --from");
    }

    /**
     * One HTTP transfer into a part file, under the two deadlines and the size bounds. The transfer runs on a
     * worker thread so that the total deadline holds exactly: a read blocked on a silent keep-alive connection
     * cannot always be woken (disconnecting may only hand the socket to the JDK's keep-alive cleaner), so at the
     * deadline the caller stops waiting, and the abandoned worker ends at its stall deadline at the latest.
     */
    private final class Download {
        private final URI uri;
        private final Path target;
        private final WeightsSpec weights;
        private final Options options;
        private final String failure;
        private final Digest digest = new Digest();
        private volatile boolean responded;
        private volatile long contentLength = -1;
        private volatile boolean abandoned;
        private volatile HttpURLConnection connection;

        Download(URI uri, Path target, WeightsSpec weights, Options options, String failure) {
            this.uri = uri;
            this.target = target;
            this.weights = weights;
            this.options = options;
            this.failure = failure;
        }

        /** Errors of our own, already worded; everything else is an I/O failure to explain. */
        private static final class Refused extends IOException {
            Refused(String message) {
                super(message);
            }
        }

        private Refused refused(String why) {
            return new Refused(failure + why);
        }

        Received into(Path tmp) throws IOException {
            ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "caffe4j-fetch");
                t.setDaemon(true);
                return t;
            });
            try {
                Future<Received> transfer = worker.submit(() -> transfer(tmp));
                try {
                    return transfer.get(options.totalTimeout().toNanos(), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    abandon(transfer);
                    throw refused("the total deadline of " + seconds(options.totalTimeout()) + " expired after "
                            + digest.size + " bytes (raise it with --timeout SECONDS or -D" + TIMEOUT_PROPERTY + ")");
                } catch (InterruptedException e) {
                    abandon(transfer);
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException(failure + "interrupted after " + digest.size + " bytes");
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(failure + cause, cause);
                }
            } finally {
                worker.shutdown();
            }
        }

        /**
         * Stops the worker as far as the JDK allows. Disconnecting frees a socket blocked while reading headers, but
         * during the body it waits for the blocked read to end, so it runs on a thread of its own.
         */
        private void abandon(Future<Received> transfer) {
            abandoned = true;
            transfer.cancel(true);
            HttpURLConnection c = connection;
            if (c != null) {
                Thread disconnect = new Thread(c::disconnect, "caffe4j-fetch-disconnect");
                disconnect.setDaemon(true);
                disconnect.start();
            }
        }

        private Received transfer(Path tmp) throws IOException {
            HttpURLConnection http = null;
            try {
                http = (HttpURLConnection) uri.toURL().openConnection();
                connection = http;
                int stallMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, options.stallTimeout().toMillis()));
                http.setConnectTimeout(stallMillis);
                http.setReadTimeout(stallMillis);
                http.setInstanceFollowRedirects(true);
                http.setRequestProperty("User-Agent", "caffe4j");
                http.setRequestProperty("Accept-Encoding", "identity");
                int code = http.getResponseCode();
                responded = true;
                if (code != HttpURLConnection.HTTP_OK) {
                    String reason = http.getResponseMessage();
                    throw refused("HTTP " + code + (reason == null ? "" : " " + reason));
                }
                contentLength = http.getContentLengthLong();
                // The JDK decodes chunked bodies only for exactly this header value, and then fails on a body
                // that ends before the terminating chunk ("Premature EOF") instead of returning -1.
                String te = http.getHeaderField("Transfer-Encoding");
                boolean chunked = te != null && te.trim().equalsIgnoreCase("chunked");
                if (contentLength >= 0) {
                    String problem = declaredSizeProblem(contentLength, "the server's Content-Length", options, target);
                    if (problem != null) {
                        throw refused(problem);
                    }
                }
                ProgressBar bar = ProgressBar.forBytes(options.progress() ? progressOut : null, weights.file(),
                        contentLength > 0 ? contentLength : weights.size());
                try (InputStream in = http.getInputStream(); OutputStream out = openPart(tmp)) {
                    copyBounded(in, digest.counting(out, bar), contentLength);
                } finally {
                    // End the bar's line, so that an error message starts on a line of its own.
                    bar.finish();
                }
                if (contentLength >= 0 && digest.size != contentLength) {
                    throw refused("the transfer broke off after " + digest.size + " of the " + contentLength
                            + " bytes announced by Content-Length");
                }
                return new Received(digest.sha1(), digest.size, contentLength, chunked);
            } catch (Refused e) {
                throw e;
            } catch (IOException e) {
                throw explain(e);
            } finally {
                if (http != null) {
                    http.disconnect();
                }
            }
        }

        /** Reads to the end, but never more than one byte past the smallest size anyone promised. */
        private void copyBounded(InputStream in, OutputStream out, long contentLength) throws IOException {
            long limit = options.maxBytes();
            String promisedBy = "the download limit (raise it with --max-bytes or -D" + MAX_BYTES_PROPERTY + ")";
            if (contentLength >= 0 && contentLength <= limit) {
                limit = contentLength;
                promisedBy = "the server's Content-Length";
            }
            if (!options.acceptMismatch() && weights.size() >= 0 && weights.size() < limit) {
                limit = weights.size();
                promisedBy = "weights.size in the manifest";
            }
            byte[] buf = new byte[1 << 16];
            long received = 0;
            while (!abandoned) {
                long room = limit - received;
                int n = in.read(buf, 0, room >= buf.length ? buf.length : (int) room + 1);
                if (n < 0) {
                    return;
                }
                out.write(buf, 0, n);
                received += n;
                if (received > limit) {
                    throw refused("the server sent more than the " + limit + " bytes allowed by " + promisedBy
                            + "; stopped reading");
                }
            }
            throw new InterruptedIOException("abandoned at the total deadline");
        }

        private IOException explain(IOException e) {
            String why;
            if (e instanceof SocketTimeoutException) {
                why = (responded ? "no data for " + seconds(options.stallTimeout()) + " after " + digest.size + " bytes"
                        : "no response for " + seconds(options.stallTimeout())) + ": the stall deadline expired"
                        + " (raise it with --stall-timeout SECONDS or -D" + STALL_TIMEOUT_PROPERTY + ")";
            } else if (e instanceof UnknownHostException) {
                why = "unknown host " + e.getMessage() + "; " + FROM_HINT;
            } else if (e instanceof ConnectException) {
                why = "cannot connect (" + describe(e) + "); " + FROM_HINT;
            } else {
                // JDK 17 returns end-of-stream on a body shorter than its Content-Length (reported by the
                // caller), later JDKs throw "Premature EOF": both end in the same words.
                why = !responded ? describe(e) : "the transfer broke off after " + digest.size
                        + (contentLength >= 0 ? " of the " + contentLength + " bytes announced by Content-Length"
                        : " bytes") + " (" + describe(e) + ")";
            }
            return new IOException(failure + why, e);
        }
    }

    /** Throws on a mismatch, or returns a warning when mismatches are accepted; null when all is well. */
    private static String verify(WeightsSpec weights, String sha1, long size, Options options, String origin,
                                 Path target) {
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
        String message = target + " from " + origin + ": " + problems + " (" + size + " bytes, SHA-1 " + sha1 + ")";
        if (options.acceptMismatch()) {
            return message + "; accepted (--accept-checksum)";
        }
        throw new ChecksumMismatchException(message + ". The file was not kept. If you trust it, run again with "
                + "--accept-checksum.", weights.sha1(), sha1);
    }

    /** SHA-1 and byte count of everything written through {@link #counting}. */
    private static final class Digest {
        private final MessageDigest md;
        /** Read by the caller for error messages while the worker writes. */
        volatile long size;

        Digest() {
            try {
                md = MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK lacks SHA-1", e);
            }
        }

        OutputStream counting(OutputStream out, ProgressBar bar) {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    md.update(b, off, len);
                    size += len;
                    bar.update(size);
                }
            };
        }

        /** The digest of everything written; call once, at the end. */
        String sha1() {
            return HexFormat.of().formatHex(md.digest());
        }
    }

    /** A cause in a few words: its message, or its type when it has none. */
    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }

    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
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
