package org.caffe4j.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    /** The permissions a plain new file gets here, i.e. what the umask allows. */
    private Set<PosixFilePermission> plainFilePermissions() throws IOException {
        Path plain = dir.resolve("plain");
        if (!Files.exists(plain)) {
            Files.createFile(plain);
        }
        return Files.getPosixFilePermissions(plain);
    }

    @Test
    void writtenFilesFollowTheUmaskLikeAPlainNewFile() throws IOException {
        Path target = dir.resolve("out.bin");
        AtomicFiles.write(target, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(plainFilePermissions(), Files.getPosixFilePermissions(target));
        Path npy = dir.resolve("x.npy");
        Npy.write(npy, new int[] {2, 2}, new float[] {1, 2, 3, 4});
        assertEquals(plainFilePermissions(), Files.getPosixFilePermissions(npy));
        assertArrayEquals(new float[] {1, 2, 3, 4}, Npy.read(npy).data());
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path target = Files.write(dir.resolve("keep.bin"), new byte[] {7});
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(1);
            throw new IOException("disk full");
        }));
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(java.util.List.of(target), files.toList());
        }
    }
}
