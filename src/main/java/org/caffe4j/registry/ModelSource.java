package org.caffe4j.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Where a model's files are: a folder on disk, or resources on the classpath (extracted to the cache on demand). */
abstract sealed class ModelSource {
    abstract boolean exists(String file);

    abstract InputStream open(String file) throws IOException;

    /** A path to the file on disk (classpath files are copied into the cache first). */
    abstract Path path(String file) throws IOException;

    abstract String describe();

    static final class Folder extends ModelSource {
        private final Path folder;

        Folder(Path folder) {
            this.folder = folder;
        }

        @Override
        boolean exists(String file) {
            return Files.isRegularFile(folder.resolve(file));
        }

        @Override
        InputStream open(String file) throws IOException {
            return Files.newInputStream(path(file));
        }

        @Override
        Path path(String file) throws IOException {
            Path p = folder.resolve(file);
            if (!Files.isRegularFile(p)) {
                throw new NoSuchFileException(p.toString());
            }
            return p;
        }

        @Override
        String describe() {
            return folder.toString();
        }
    }

    static final class Classpath extends ModelSource {
        private final String prefix;
        private final Path extractTo;

        Classpath(String prefix, Path extractTo) {
            this.prefix = prefix;
            this.extractTo = extractTo;
        }

        private String resource(String file) {
            return prefix + "/" + file;
        }

        @Override
        boolean exists(String file) {
            return ModelSource.class.getClassLoader().getResource(resource(file)) != null;
        }

        @Override
        InputStream open(String file) throws IOException {
            InputStream in = ModelSource.class.getClassLoader().getResourceAsStream(resource(file));
            if (in == null) {
                throw new NoSuchFileException("classpath:" + resource(file));
            }
            return in;
        }

        @Override
        Path path(String file) throws IOException {
            Path target = extractTo.resolve(file);
            byte[] content;
            try (InputStream in = open(file)) {
                content = in.readAllBytes();
            }
            // Re-extract when a newer jar carries a different file.
            if (Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), content)) {
                return target;
            }
            Files.createDirectories(target.getParent());
            // Write to a temporary name and rename, so a half-written file is never taken for the real one.
            Path tmp = Files.createTempFile(target.getParent(), file + ".", ".part");
            try {
                Files.write(tmp, content);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        }

        @Override
        String describe() {
            return "classpath:" + prefix;
        }
    }
}
