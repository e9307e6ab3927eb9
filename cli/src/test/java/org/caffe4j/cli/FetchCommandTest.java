package org.caffe4j.cli;

import org.caffe4j.fetch.LocalHttpServer;
import org.caffe4j.fetch.ScriptedHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class FetchCommandTest {
    @TempDir
    Path cache;
    @TempDir
    Path models;
    private LocalHttpServer server;
    private String sha1;

    @BeforeEach
    void start() throws Exception {
        server = new LocalHttpServer(100_000);
        sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(server.body));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A user model folder "tiny" whose weights come from the local server. */
    private void writeModel(String path) throws IOException {
        Path dir = Files.createDirectories(models.resolve("tiny"));
        Files.writeString(dir.resolve("model.properties"), String.join("\n",
                "definition=net.prototxt", "weights.file=tiny.caffemodel", "weights.url=" + server.url(path),
                "weights.sha1=" + sha1, "weights.size=" + server.body.length, "output=prob", "softmax=false", ""));
    }

    /** A model "tiny" whose weights come from {@code url}, with no sha1 or size; {@code extra} lines override. */
    private void writeModel(String url, String... extra) throws IOException {
        Path dir = Files.createDirectories(models.resolve("tiny"));
        Files.writeString(dir.resolve("model.properties"), String.join("\n", "definition=net.prototxt",
                "weights.url=" + url, "output=prob", "softmax=false", String.join("\n", extra), ""));
    }

    private CliRun fetch(String... extra) {
        String[] base = {"fetch", "tiny", "--models", models.toString(), "--cache", cache.toString(), "--no-progress"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    @Test
    void downloadsIntoTheCacheAndPrintsThePath() throws IOException {
        writeModel("/good");
        CliRun r = fetch();
        assertEquals(0, r.code(), r.toString());
        Path file = cache.resolve("tiny/tiny.caffemodel");
        assertTrue(r.out().contains("downloaded: " + file) && r.out().contains(sha1), r.toString());
        assertArrayEquals(server.body, Files.readAllBytes(file));
        CliRun again = fetch();
        assertTrue(again.out().contains("already cached"), again.toString());
        assertTrue(fetch("--force").out().contains("downloaded"));
    }

    @Test
    void checksumMismatchFailsUnlessAccepted() throws IOException {
        writeModel("/other");
        CliRun r = fetch();
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("expected " + sha1), r.toString());
        assertFalse(Files.exists(cache.resolve("tiny/tiny.caffemodel")));

        CliRun accepted = fetch("--accept-checksum");
        assertEquals(0, accepted.code(), accepted.toString());
        assertTrue(accepted.err().contains("warning: ") && accepted.err().contains("SHA-1 mismatch"), accepted.toString());
        assertTrue(Files.exists(cache.resolve("tiny/tiny.caffemodel")));
    }

    @Test
    void droppedConnectionAndMissingFileAreErrors() throws IOException {
        writeModel("/drop");
        CliRun dropped = fetch();
        assertEquals(Main.EXIT_BAD_INPUT, dropped.code(), dropped.toString());
        writeModel("/nothing-here");
        CliRun missing = fetch();
        assertTrue(missing.err().contains("HTTP 404"), missing.toString());
        assertFalse(Files.exists(cache.resolve("tiny/tiny.caffemodel")));
    }

    @Test
    void fromImportsALocalCopy(@TempDir Path home) throws IOException {
        writeModel("/nothing-here");
        Path mine = Files.write(home.resolve("copy.caffemodel"), server.body);
        CliRun r = fetch("--from", mine.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("imported"), r.toString());
        assertArrayEquals(server.body, Files.readAllBytes(cache.resolve("tiny/tiny.caffemodel")));
        assertArrayEquals(server.body, Files.readAllBytes(mine));
    }

    @Test
    void deadlinesAreOptionsAndAStalledServerEndsInOneErrorLine() throws IOException {
        try (ScriptedHttpServer slow = new ScriptedHttpServer(out -> {
            out.write(ScriptedHttpServer.head("Content-Length: " + server.body.length));
            out.write(server.body, 0, 10);
            out.flush();
            Thread.sleep(60_000);
        })) {
            writeModel(slow.url("/tiny.caffemodel"), "weights.file=tiny.caffemodel");
            CliRun stalled = fetch("--stall-timeout", "0.2", "--timeout", "30");
            assertEquals(Main.EXIT_BAD_INPUT, stalled.code(), stalled.toString());
            assertEquals(1, stalled.err().lines().count(), stalled.toString());
            assertTrue(stalled.err().startsWith("error: download of " + slow.url("/tiny.caffemodel") + " into "
                    + cache.resolve("tiny/tiny.caffemodel")) && stalled.err().contains("stall deadline"), stalled.toString());

            CliRun total = fetch("--stall-timeout", "5", "--timeout", "0.3");
            assertTrue(total.err().contains("the total deadline of 0.3 s expired"), total.toString());
        }
        CliRun bad = fetch("--timeout", "soon");
        assertEquals(Main.EXIT_BAD_INPUT, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--timeout must be a number of seconds"), bad.toString());
    }

    @Test
    void maxBytesRefusesALargerDownloadBeforeReadingIt() throws IOException {
        writeModel("/good");
        CliRun r = fetch("--max-bytes", "1000");
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("declares " + server.body.length + " bytes, more than the download limit of 1000"),
                r.toString());
        assertFalse(Files.exists(cache.resolve("tiny/tiny.caffemodel")));
    }

    @Test
    void refusedConnectionNamesTheUrlAndTheOfflineWay() throws IOException {
        String url;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            url = "http://127.0.0.1:" + closed.getLocalPort() + "/w.caffemodel";
        }
        writeModel(url, "weights.file=tiny.caffemodel");
        CliRun r = fetch();
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains(url) && r.err().contains("cannot connect") && r.err().contains("--from"),
                r.toString());
    }

    @Test
    void aManifestFileNameThatClimbsOutOfTheCacheIsRefused() throws IOException {
        writeModel(server.url("/good"), "weights.file=../../escaped.caffemodel");
        CliRun r = fetch();
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains(models.resolve("tiny/model.properties").toString())
                && r.err().contains("weights.file must be a plain file name"), r.toString());
        assertFalse(Files.exists(cache.getParent().resolve("escaped.caffemodel")));
        assertFalse(Files.exists(cache.resolve("escaped.caffemodel")));
    }

    @Test
    void shippedWeightsNeedNoFetchAndUnknownModelsAreErrors() {
        CliRun shipped = CliRun.of("fetch", "lenet-mnist", "--cache", cache.toString());
        assertEquals(0, shipped.code(), shipped.toString());
        assertTrue(shipped.out().contains("weights ship with the model"), shipped.toString());
        CliRun unknown = CliRun.of("fetch", "no-such-model", "--cache", cache.toString());
        assertEquals(Main.EXIT_BAD_INPUT, unknown.code());
        assertTrue(unknown.err().contains("unknown model 'no-such-model'") && unknown.err().contains("nin-imagenet"),
                unknown.toString());
    }
}
