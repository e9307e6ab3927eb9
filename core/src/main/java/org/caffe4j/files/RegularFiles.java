package org.caffe4j.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Tells whether a path can be opened as an ordinary file before anything opens it: opening a FIFO blocks until a
 * writer appears (forever, for a stray pipe in a folder of images), and devices or sockets are never input files.
 */
public final class RegularFiles {
    /** Linux gives up after 40 links (MAXSYMLINKS); a longer chain is treated as a loop. */
    private static final int MAX_LINKS = 40;

    private RegularFiles() {
    }

    /**
     * Why {@code path} cannot be read as a regular file, or null when it can (following symbolic links):
     * {@code "no such file"}, {@code "broken link"}, {@code "symbolic link loop"}, {@code "is a folder"} or
     * {@code "not a regular file"} (FIFO, socket, device).
     */
    public static String problem(Path path) {
        if (Files.isRegularFile(path)) {
            return null;
        }
        if (Files.isDirectory(path)) {
            return "is a folder";
        }
        if (!Files.isSymbolicLink(path)) {
            return Files.exists(path, LinkOption.NOFOLLOW_LINKS) ? "not a regular file" : "no such file";
        }
        Path current = path;
        for (int hops = 0; hops < MAX_LINKS && Files.isSymbolicLink(current); hops++) {
            try {
                Path target = Files.readSymbolicLink(current);
                Path parent = current.toAbsolutePath().getParent();
                current = parent == null ? target : parent.resolve(target);
            } catch (IOException e) {
                return "broken link";
            }
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                return "broken link";
            }
        }
        // A chain that never ends (or a target the OS refuses to follow) is a loop; anything else is special.
        return Files.isSymbolicLink(current) || !Files.exists(path) ? "symbolic link loop" : "not a regular file";
    }

    /** Throws {@link IOException} {@code "PATH: PROBLEM"} unless {@code path} is a regular file (links followed). */
    public static void require(Path path) throws IOException {
        String problem = problem(path);
        if (problem != null) {
            throw new IOException(path + ": " + problem);
        }
    }
}
