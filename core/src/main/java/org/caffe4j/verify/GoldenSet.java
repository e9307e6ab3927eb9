package org.caffe4j.verify;

import org.caffe4j.MalformedModelException;
import org.caffe4j.files.Npy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory of golden blobs: {@code <blob>.npy} files plus an optional {@code meta.json} as written by
 * {@code tools/golden/dump_blobs.py}. With meta.json the blobs are listed in its network order and every file it
 * names must exist (a missing golden file is an error, never a silent skip); without it, every {@code *.npy} file
 * is a blob named after the file, in file-name order.
 */
public final class GoldenSet {
    private final Path dir;
    private final Map<String, Path> files;
    private final Map<String, Object> meta;

    private GoldenSet(Path dir, Map<String, Path> files, Map<String, Object> meta) {
        this.dir = dir;
        this.files = files;
        this.meta = meta;
    }

    public static GoldenSet open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "golden set directory does not exist");
        }
        Path metaFile = dir.resolve("meta.json");
        Map<String, Path> files = new LinkedHashMap<>();
        Map<String, Object> meta = Collections.emptyMap();
        if (Files.exists(metaFile)) {
            meta = asMap(parseMeta(metaFile), metaFile, "top level");
            Object blobs = meta.get("blobs");
            if (!(blobs instanceof List<?> list)) {
                throw new MalformedModelException(metaFile + ": no \"blobs\" list");
            }
            for (Object o : list) {
                Map<String, Object> entry = asMap(o, metaFile, "blobs entry");
                String name = (String) entry.get("name");
                String file = (String) entry.get("file");
                if (name == null || file == null) {
                    throw new MalformedModelException(metaFile + ": a blobs entry lacks \"name\" or \"file\"");
                }
                Path p = dir.resolve(file);
                if (!Files.isRegularFile(p)) {
                    throw new NoSuchFileException(p.toString(), null,
                            "golden file for blob '" + name + "' listed in meta.json is missing");
                }
                files.put(name, p);
            }
        } else {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().endsWith(".npy")).sorted()
                        .forEach(p -> {
                            String f = p.getFileName().toString();
                            files.put(f.substring(0, f.length() - 4), p);
                        });
            }
        }
        if (files.isEmpty()) {
            throw new MalformedModelException(dir + ": golden set has no blobs");
        }
        return new GoldenSet(dir, files, meta);
    }

    private static Object parseMeta(Path metaFile) throws IOException {
        try {
            return JsonReader.parse(Files.readString(metaFile));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new MalformedModelException(metaFile + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o, Path file, String what) {
        if (!(o instanceof Map<?, ?>)) {
            throw new MalformedModelException(file + ": " + what + " is not a JSON object");
        }
        return (Map<String, Object>) o;
    }

    public Path dir() {
        return dir;
    }

    /** Blob names in network order (meta.json) or file-name order. */
    public List<String> blobNames() {
        return List.copyOf(files.keySet());
    }

    public boolean hasMeta() {
        return !meta.isEmpty();
    }

    /** The parsed meta.json (empty when absent). */
    public Map<String, Object> meta() {
        return Collections.unmodifiableMap(meta);
    }

    public Path file(String blob) {
        Path p = files.get(blob);
        if (p == null) {
            throw new IllegalArgumentException("golden set " + dir + " has no blob '" + blob + "'");
        }
        return p;
    }

    public Npy.Array read(String blob) throws IOException {
        return Npy.read(file(blob));
    }

    /** Every blob, in order. */
    public Map<String, Npy.Array> readAll() throws IOException {
        Map<String, Npy.Array> all = new LinkedHashMap<>();
        for (String b : files.keySet()) {
            all.put(b, read(b));
        }
        return all;
    }

    /** A string field of a meta.json object, e.g. {@code metaString("caffemodel", "sha256")}. */
    public Optional<String> metaString(String object, String field) {
        Object o = meta.get(object);
        if (o instanceof Map<?, ?> m && m.get(field) instanceof String s) {
            return Optional.of(s);
        }
        return Optional.empty();
    }

    /** The input blob name recorded in meta.json ({@code input.blob}), if any. */
    public Optional<String> inputBlob() {
        return metaString("input", "blob");
    }

    /** The input file recorded in meta.json ({@code input.file}, relative to the set), if any. */
    public Optional<Path> inputFile() {
        return metaString("input", "file").map(dir::resolve);
    }

    /**
     * The further inputs of a net with several (FlowNet's second image), by blob, from meta.json
     * {@code extra_inputs} (files relative to the set); empty for one input.
     */
    public Map<String, Path> extraInputs() {
        Map<String, Path> out = new LinkedHashMap<>();
        if (meta.get("extra_inputs") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m && m.get("blob") instanceof String b && m.get("file") instanceof String f) {
                    out.put(b, dir.resolve(f));
                }
            }
        }
        return out;
    }

    /** Blobs the reference computed but did not store (meta.json {@code omitted_blobs}). */
    public List<String> omittedBlobs() {
        List<String> out = new ArrayList<>();
        if (meta.get("omitted_blobs") instanceof List<?> l) {
            for (Object o : l) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }
}
