package org.caffe4j.fetch;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Temporary files next to their final name, for write-then-rename. Unlike {@link Files#createTempFile}, which makes
 * files only the owner may read (0600), these get the permissions of any new file (the umask decides), and keep
 * them when renamed into place.
 */
public final class PartFiles {
    private static final int ATTEMPTS = 16;

    private PartFiles() {
    }

    /**
     * Creates a new empty file {@code <target>.<random>.part} in the target's folder. It is created exclusively,
     * so it is never an existing file or a link planted there.
     */
    public static Path createNextTo(Path target) throws IOException {
        for (int attempt = 1; ; attempt++) {
            String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            Path part = target.resolveSibling(target.getFileName() + "." + random + ".part");
            try {
                return Files.createFile(part);
            } catch (FileAlreadyExistsException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
