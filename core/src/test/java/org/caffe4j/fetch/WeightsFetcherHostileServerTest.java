package org.caffe4j.fetch;

import org.caffe4j.registry.WeightsSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.caffe4j.fetch.ScriptedHttpServer.LAST_CHUNK;
import static org.caffe4j.fetch.ScriptedHttpServer.chunk;
import static org.caffe4j.fetch.ScriptedHttpServer.head;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Servers that cut bodies short, never stop, stall, drip, or announce absurd sizes; see {@link WeightsFetcher}. */
@Timeout(20)
class WeightsFetcherHostileServerTest {
    private static final int SIZE = 50_000;
    private static final byte[] BODY = new byte[SIZE];
    private static final String SHA1;

    static {
        new Random(7).nextBytes(BODY);
        try {
            SHA1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(BODY));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @TempDir
    Path cache;
    private ScriptedHttpServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private String serve(ScriptedHttpServer.Script script) throws IOException {
        server = new ScriptedHttpServer(script);
        return server.url("/w.caffemodel");
    }

    private static WeightsSpec spec(String url, String sha1, long size) {
        return new WeightsSpec("w.caffemodel", url, sha1, size);
    }

    private static WeightsFetcher.Options options() {
        return new WeightsFetcher.Options(false, false, false)
                .withDeadlines(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    private Path target() {
        return cache.resolve("m/w.caffemodel");
    }

    private IOException fails(String url, WeightsSpec spec, WeightsFetcher.Options options) throws IOException {
        IOException e = assertThrows(IOException.class, () -> new WeightsFetcher(cache, null).fetch("m", spec, options));
        assertTrue(e.getMessage().contains(url) && e.getMessage().contains(target().toString()),
                "names the URL and the destination: " + e.getMessage());
        assertEquals(List.of(), cacheFiles(), "nothing is left in the cache");
        return e;
    }

    private List<String> cacheFiles() throws IOException {
        Path dir = cache.resolve("m");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static void closeDelimited(OutputStream out, int length) throws IOException {
        out.write(head("Connection: close"));
        out.write(BODY, 0, length);
    }

    private static void endless(OutputStream out, boolean chunked) throws IOException {
        byte[] piece = new byte[8192];
        while (true) {
            out.write(chunked ? chunk(piece, 0, piece.length) : piece);
        }
    }

    @Test
    void closeDelimitedBodyIsRefusedWithoutSha1OrSize() throws IOException {
        String half = serve(out -> closeDelimited(out, SIZE / 2));
        IOException e = fails(half, spec(half, null, -1), options());
        assertTrue(e.getMessage().contains("cannot prove the download is complete")
                && e.getMessage().contains("add sha1 to the manifest or use fetch --from"), e.getMessage());
        server.close();

        // A whole body looks the same from this side: it is refused too.
        String whole = serve(out -> closeDelimited(out, SIZE));
        assertTrue(fails(whole, spec(whole, null, -1), options()).getMessage()
                .contains("cannot prove the download is complete"));
    }

    @Test
    void closeDelimitedBodyIsInstalledWhenTheManifestSha1OrSizeConfirmsIt() throws IOException {
        String url = serve(out -> closeDelimited(out, SIZE));
        WeightsFetcher fetcher = new WeightsFetcher(cache, null);
        WeightsFetcher.Result bySha1 = fetcher.fetch("m", spec(url, SHA1, -1), options());
        assertArrayEquals(BODY, Files.readAllBytes(bySha1.file()));
        Files.delete(bySha1.file());
        WeightsFetcher.Result bySize = fetcher.fetch("m", spec(url, null, SIZE), options());
        assertArrayEquals(BODY, Files.readAllBytes(bySize.file()));
        assertEquals(List.of("w.caffemodel"), cacheFiles());
    }

    @Test
    void closeDelimitedBodyWithAMismatchAcceptedStillNeedsAProof() throws IOException {
        String url = serve(out -> closeDelimited(out, SIZE / 2));
        ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
                () -> new WeightsFetcher(cache, null).fetch("m", spec(url, SHA1, -1), options()));
        assertTrue(e.getMessage().contains(url) && e.getMessage().contains(target().toString()), e.getMessage());
        assertEquals(List.of(), cacheFiles());
        WeightsFetcher.Options accept = new WeightsFetcher.Options(false, true, false);
        IOException accepted = fails(url, spec(url, SHA1, -1), accept);
        assertTrue(accepted.getMessage().contains("cannot prove the download is complete"), accepted.getMessage());
    }

    @Test
    void chunkedBodyWithItsTerminatingChunkIsComplete() throws IOException {
        String url = serve(out -> {
            out.write(head("Transfer-Encoding: chunked"));
            for (int off = 0; off < SIZE; off += 10_000) {
                out.write(chunk(BODY, off, Math.min(10_000, SIZE - off)));
            }
            out.write(LAST_CHUNK);
        });
        WeightsFetcher.Result r = new WeightsFetcher(cache, null).fetch("m", spec(url, null, -1), options());
        assertArrayEquals(BODY, Files.readAllBytes(r.file()));
        assertEquals(SHA1, r.sha1());
    }

    @Test
    void chunkedBodyCutBeforeItsTerminatingChunkIsAnError() throws IOException {
        String url = serve(out -> {
            out.write(head("Transfer-Encoding: chunked"));
            out.write(chunk(BODY, 0, SIZE / 2));
        });
        IOException e = fails(url, spec(url, null, -1), options());
        assertTrue(e.getMessage().contains("the transfer broke off after " + SIZE / 2 + " bytes"), e.getMessage());
    }

    @Test
    void contentLengthLongerThanTheBodyIsAnError() throws IOException {
        String url = serve(out -> {
            out.write(head("Content-Length: " + SIZE));
            out.write(BODY, 0, SIZE / 2);
        });
        IOException e = fails(url, spec(url, null, -1), options());
        assertTrue(e.getMessage().contains("the transfer broke off after " + SIZE / 2 + " of the " + SIZE
                + " bytes announced by Content-Length"),
                e.getMessage());
    }

    @Test
    void endlessBodyStopsOneByteAfterTheManifestSize() throws IOException {
        String url = serve(out -> {
            out.write(head("Connection: close"));
            endless(out, false);
        });
        IOException e = fails(url, spec(url, null, 1000), options());
        assertTrue(e.getMessage().contains("more than the 1000 bytes allowed by weights.size in the manifest"),
                e.getMessage());
    }

    @Test
    void endlessChunkedBodyStopsAtTheDownloadLimit() throws IOException {
        String url = serve(out -> {
            out.write(head("Transfer-Encoding: chunked"));
            endless(out, true);
        });
        IOException e = fails(url, spec(url, null, -1), options().withMaxBytes(100_000));
        assertTrue(e.getMessage().contains("more than the 100000 bytes allowed by the download limit"), e.getMessage());
    }

    @Test
    void absurdDeclaredSizesAreRefusedBeforeReading() throws IOException {
        String url = serve(out -> {
            out.write(head("Content-Length: 1000000000000000000"));
            endless(out, false);
        });
        IOException e = fails(url, spec(url, null, -1), options());
        assertTrue(e.getMessage().contains("the server's Content-Length declares 1000000000000000000 bytes, more"
                + " than the download limit"), e.getMessage());
        IOException noRoom = fails(url, spec(url, null, -1), options().withMaxBytes(Long.MAX_VALUE));
        assertTrue(noRoom.getMessage().contains("bytes free in " + target().getParent()), noRoom.getMessage());

        int before = server.requests();
        IOException manifest = fails(url, spec(url, null, 1L << 50), options());
        assertTrue(manifest.getMessage().contains("weights.size in the manifest declares " + (1L << 50) + " bytes"), manifest.getMessage());
        assertEquals(before, server.requests(), "refused before connecting");
    }

    @Test
    void aServerThatSendsAByteNowAndThenHitsTheTotalDeadline() throws IOException {
        String url = serve(out -> {
            out.write(head("Content-Length: " + SIZE));
            for (int i = 0; i < SIZE; i++) {
                out.write(BODY[i]);
                out.flush();
                Thread.sleep(50);
            }
        });
        IOException e = fails(url, spec(url, SHA1, SIZE),
                options().withDeadlines(Duration.ofSeconds(5), Duration.ofMillis(500)));
        assertTrue(e.getMessage().contains("the total deadline of 0.5 s expired"), e.getMessage());
    }

    /** A read blocked on a silent keep-alive body cannot be woken by the JDK; the deadline must hold anyway. */
    @Test
    @Timeout(10)
    void aSilentBodyHitsTheTotalDeadlineBeforeTheStallDeadline() throws IOException {
        String url = serve(out -> {
            out.write(head("Content-Length: " + SIZE));
            out.write(BODY, 0, 10);
            out.flush();
            Thread.sleep(120_000);
        });
        IOException e = fails(url, spec(url, SHA1, SIZE),
                options().withDeadlines(Duration.ofSeconds(60), Duration.ofMillis(300)));
        assertTrue(e.getMessage().contains("the total deadline of 0.3 s expired after 10 bytes"), e.getMessage());
    }

    @Test
    void headersSentAByteAtATimeHitTheTotalDeadlineToo() throws IOException {
        String url = serve(out -> {
            for (byte b : head("Content-Length: " + SIZE, "X-Padding: " + "x".repeat(1000))) {
                out.write(b);
                out.flush();
                Thread.sleep(50);
            }
        });
        IOException e = fails(url, spec(url, SHA1, SIZE),
                options().withDeadlines(Duration.ofSeconds(5), Duration.ofMillis(500)));
        assertTrue(e.getMessage().contains("the total deadline of 0.5 s expired"), e.getMessage());
    }

    @Test
    void aServerThatStopsSendingHitsTheStallDeadline() throws IOException {
        String url = serve(out -> {
            out.write(head("Content-Length: " + SIZE));
            out.write(BODY, 0, 100);
            out.flush();
            Thread.sleep(60_000);
        });
        IOException e = fails(url, spec(url, SHA1, SIZE),
                options().withDeadlines(Duration.ofMillis(300), Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("no data for 0.3 s after 100 bytes: the stall deadline expired"),
                e.getMessage());
    }

    @Test
    void aServerThatNeverAnswersHitsTheStallDeadline() throws IOException {
        String url = serve(out -> Thread.sleep(60_000));
        IOException e = fails(url, spec(url, SHA1, SIZE),
                options().withDeadlines(Duration.ofMillis(300), Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("no response for 0.3 s") && e.getMessage().contains("stall deadline"),
                e.getMessage());
    }
}
