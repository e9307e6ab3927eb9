package org.caffe4j.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a model's files are: a folder on disk, resources on the classpath (extracted to the cache only when a caller
 * asks for a path), or bytes in memory (a model shipped to another JVM).
 */
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
            return ModelSource.class.getResource("/" + resource(file)) != null;
        }

        @Override
        InputStream open(String file) throws IOException {
            InputStream in = ModelSource.class.getResourceAsStream("/" + resource(file));
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
            org.caffe4j.files.AtomicFiles.write(target, content);
            return target;
        }

        @Override
        String describe() {
            return "classpath:" + prefix;
        }
    }

    static final class Memory extends ModelSource {
        private final String name;
        private final java.util.Map<String, byte[]> files;

        Memory(String name, java.util.Map<String, byte[]> files) {
            this.name = name;
            this.files = java.util.Map.copyOf(files);
        }

        @Override
        boolean exists(String file) {
            return files.containsKey(file);
        }

        @Override
        InputStream open(String file) throws IOException {
            byte[] content = files.get(file);
            if (content == null) {
                throw new NoSuchFileException(describe() + "/" + file);
            }
            return new java.io.ByteArrayInputStream(content);
        }

        @Override
        Path path(String file) throws IOException {
            throw new NoSuchFileException(describe() + "/" + file + " (a model in memory has no files on disk)");
        }

        @Override
        String describe() {
            return "memory:" + name;
        }
    }
}
