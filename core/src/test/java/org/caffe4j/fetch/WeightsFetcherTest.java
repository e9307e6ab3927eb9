package org.caffe4j.fetch;

import org.caffe4j.registry.WeightsSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class WeightsFetcherTest {
    private static final int SIZE = 300_000;
    @TempDir
    Path cache;
    private LocalHttpServer server;
    private String sha1;

    @BeforeEach
    void start() throws Exception {
        server = new LocalHttpServer(SIZE);
        sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(server.body));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private WeightsSpec spec(String path, String digest, long size) {
        return new WeightsSpec("w.caffemodel", server.url(path), digest, size);
    }

    private static WeightsFetcher.Options strict() {
        return new WeightsFetcher.Options(false, false, false);
    }

    /** Everything in the model's cache folder: only finished files may be there, never a .part. */
    private List<String> cacheFiles() throws IOException {
        Path dir = cache.resolve("m");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void goodDownloadIsVerifiedAndRenamedIntoPlace() throws IOException {
        StringWriter progress = new StringWriter();
        WeightsFetcher fetcher = new WeightsFetcher(cache, new PrintWriter(progress));
        WeightsFetcher.Result r = fetcher.fetch("m", spec("/good", sha1, SIZE),
                new WeightsFetcher.Options(false, false, true));
        assertEquals(cache.resolve("m/w.caffemodel"), r.file());
        assertArrayEquals(server.body, Files.readAllBytes(r.file()));
        assertEquals(sha1, r.sha1());
        assertTrue(r.transferred());
        assertNull(r.warning());
        assertEquals(List.of("w.caffemodel"), cacheFiles());
        assertTrue(progress.toString().contains("100%"), "progress bar drawn when asked: " + progress);

        // Cached now: a second fetch does not download (the server would serve other bytes at /other).
        WeightsFetcher.Result again = fetcher.fetch("m", spec("/other", sha1, SIZE), strict());
        assertFalse(again.transferred());
    }

    private Path target() {
        return cache.resolve("m/w.caffemodel");
    }

    /** The permissions the umask gives any new file in {@code dir}. */
    private static Set<PosixFilePermission> plainNewFilePermissions(Path dir) throws IOException {
        Path plain = Files.createFile(dir.resolve("plain-new-file"));
        try {
            return Files.getPosixFilePermissions(plain);
        } finally {
            Files.delete(plain);
        }
    }

    @Test
    void downloadedAndImportedFilesGetThePermissionsOfAnyNewFile(@TempDir Path home) throws IOException {
        WeightsFetcher fetcher = new WeightsFetcher(cache, null);
        Path downloaded = fetcher.fetch("m", spec("/good", sha1, SIZE), strict()).file();
        assertEquals(plainNewFilePermissions(downloaded.getParent()), Files.getPosixFilePermissions(downloaded),
                "not the owner-only mode of a temp file");

        // The import is a new file too: it does not copy the mode of the user's (here read-only) copy.
        Path mine = Files.write(home.resolve("copy.caffemodel"), server.body);
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("r--------"));
        Path imported = fetcher.importFrom("n", spec("/unused", sha1, SIZE), mine, strict()).file();
        assertEquals(plainNewFilePermissions(imported.getParent()), Files.getPosixFilePermissions(imported));
        assertEquals(PosixFilePermissions.fromString("r--------"), Files.getPosixFilePermissions(mine));
    }

    @Test
    void deadlinesAndLimitComeFromSystemPropertiesWhenSet() {
        WeightsFetcher.Options defaults = strict();
        assertEquals(Duration.ofSeconds(30), defaults.stallTimeout());
        assertEquals(Duration.ofMinutes(30), defaults.totalTimeout());
        assertEquals(8L << 30, defaults.maxBytes());
        try {
            System.setProperty(WeightsFetcher.STALL_TIMEOUT_PROPERTY, "0.25");
            System.setProperty(WeightsFetcher.TIMEOUT_PROPERTY, "90");
            System.setProperty(WeightsFetcher.MAX_BYTES_PROPERTY, "12345");
            WeightsFetcher.Options set = strict();
            assertEquals(Duration.ofMillis(250), set.stallTimeout());
            assertEquals(Duration.ofSeconds(90), set.totalTimeout());
            assertEquals(12345, set.maxBytes());
            System.setProperty(WeightsFetcher.STALL_TIMEOUT_PROPERTY, "-1");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, WeightsFetcherTest::strict);
            assertTrue(e.getMessage().contains("system property " + WeightsFetcher.STALL_TIMEOUT_PROPERTY)
                    && e.getMessage().contains("'-1'"), e.getMessage());
        } finally {
            System.clearProperty(WeightsFetcher.STALL_TIMEOUT_PROPERTY);
            System.clearProperty(WeightsFetcher.TIMEOUT_PROPERTY);
            System.clearProperty(WeightsFetcher.MAX_BYTES_PROPERTY);
        }
    }

    @Test
    void redirectsAreFollowed() throws IOException {
        WeightsFetcher.Result r = new WeightsFetcher(cache, null).fetch("m", spec("/redirect", sha1, SIZE), strict());
        assertArrayEquals(server.body, Files.readAllBytes(r.file()));
    }

    @Test
    void checksumMismatchIsAnErrorNamingBothDigestsAndKeepsNothing() throws IOException {
        WeightsFetcher fetcher = new WeightsFetcher(cache, null);
        ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
                () -> fetcher.fetch("m", spec("/other", sha1, SIZE), strict()));
        assertTrue(e.getMessage().contains("expected " + sha1), e.getMessage());
        assertNotNull(e.actualSha1());
        assertTrue(e.getMessage().contains("got " + e.actualSha1()) && e.getMessage().contains("--accept-checksum"),
                e.getMessage());
        assertEquals(List.of(), cacheFiles());

        WeightsFetcher.Result accepted = fetcher.fetch("m", spec("/other", sha1, SIZE),
                new WeightsFetcher.Options(false, true, false));
        assertNotNull(accepted.warning());
        assertTrue(accepted.warning().contains(e.actualSha1()));
        assertEquals(List.of("w.caffemodel"), cacheFiles());
    }

    @Test
    void sizeMismatchIsAnError() {
        ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
                () -> new WeightsFetcher(cache, null).fetch("m", spec("/good", null, SIZE + 1), strict()));
        assertTrue(e.getMessage().contains("size mismatch: expected " + (SIZE + 1) + " bytes, got " + SIZE), e.getMessage());
    }

    @Test
    void droppedConnectionLeavesNoFileBehind() throws IOException {
        IOException e = assertThrows(IOException.class,
                () -> new WeightsFetcher(cache, null).fetch("m", spec("/drop", sha1, SIZE), strict()));
        assertTrue(e.getMessage().contains(server.url("/drop")) && e.getMessage().contains(target().toString()),
                "names the URL and the destination: " + e.getMessage());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void httpErrorIsReportedWithItsStatus() throws IOException {
        IOException e = assertThrows(IOException.class,
                () -> new WeightsFetcher(cache, null).fetch("m", spec("/missing", sha1, SIZE), strict()));
        assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains(server.url("/missing"))
                && e.getMessage().contains(target().toString()), e.getMessage());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void importFromVerifiesAndNeverTouchesTheUsersFile(@TempDir Path home) throws IOException {
        Path mine = Files.write(home.resolve("my-copy.caffemodel"), server.body);
        FileTime before = Files.getLastModifiedTime(mine);
        WeightsFetcher fetcher = new WeightsFetcher(cache, null);
        WeightsFetcher.Result r = fetcher.importFrom("m", spec("/unused", sha1, SIZE), mine, strict());
        assertArrayEquals(server.body, Files.readAllBytes(r.file()));
        assertTrue(Files.exists(mine));
        assertEquals(before, Files.getLastModifiedTime(mine));

        byte[] corrupt = server.body.clone();
        corrupt[7] ^= 0x40;
        Path bad = Files.write(home.resolve("bad.caffemodel"), corrupt);
        Files.delete(r.file());
        FileTime badBefore = Files.getLastModifiedTime(bad);
        ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
                () -> fetcher.importFrom("m", spec("/unused", sha1, SIZE), bad, strict()));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains(target().toString()),
                "names the imported file and the destination: " + e.getMessage());
        assertArrayEquals(corrupt, Files.readAllBytes(bad), "the user's file is left as it was");
        assertEquals(badBefore, Files.getLastModifiedTime(bad));
        assertEquals(List.of(), cacheFiles());
        assertEquals(List.of("bad.caffemodel", "my-copy.caffemodel"), homeFiles(home), "nothing moved or added");
    }

    private static List<String> homeFiles(Path home) throws IOException {
        try (Stream<Path> s = Files.list(home)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void importOfTheCachedFileItselfOnlyVerifies() throws IOException {
        WeightsFetcher fetcher = new WeightsFetcher(cache, null);
        Path cached = fetcher.fetch("m", spec("/good", sha1, SIZE), strict()).file();
        WeightsFetcher.Result r = fetcher.importFrom("m", spec("/good", sha1, SIZE), cached, strict());
        assertFalse(r.transferred());
        assertEquals(sha1, r.sha1());
        assertArrayEquals(server.body, Files.readAllBytes(cached));
    }
}
