package org.caffe4j.spark;

import org.caffe4j.registry.CacheDir;
import org.caffe4j.registry.ModelRegistry;
import org.caffe4j.registry.ModelSpec;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's files as bytes (manifest, definition, weights, labels, mean), read once on the driver and shipped to
 * the executors in a broadcast; executors build their model from it in memory, never from their own disk or home.
 */
public final class ModelBundle implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final LinkedHashMap<String, byte[]> files;
    private final String id;

    private ModelBundle(String name, Map<String, byte[]> files) {
        this.name = name;
        this.files = new LinkedHashMap<>(files);
        this.id = digest(name, files);
    }

    /**
     * A registered model by name ({@code lenet-mnist}, a folder under {@code ./models} or {@code $CAFFE4J_MODELS}, or
     * a model the caffe4j jar carries), or a folder holding a {@code model.properties} manifest. Weights that are not
     * shipped must already be in the cache ({@code caffe4j fetch NAME}); nothing is downloaded or written here.
     */
    public static ModelBundle resolve(String model) throws IOException {
        Path folder = Path.of(model);
        ModelSpec spec;
        if (Files.isRegularFile(folder.resolve(ModelSpec.MANIFEST))) {
            Path name = folder.toAbsolutePath().normalize().getFileName();
            spec = ModelRegistry.of(List.of(folder), false, CacheDir.defaultRoot()).get(name.toString());
        } else {
            spec = ModelRegistry.standard(List.of()).get(model);
        }
        return new ModelBundle(spec.name(), spec.files());
    }

    public String name() {
        return name;
    }

    /** A digest of the name and every file: executors keep one model per distinct bundle. */
    public String id() {
        return id;
    }

    /** The model's description for caffe4j, built in memory. */
    public ModelSpec spec() {
        return ModelSpec.fromFiles(name, files);
    }

    public long bytes() {
        return files.values().stream().mapToLong(b -> b.length).sum();
    }

    private static String digest(String name, Map<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                sha.update((byte) 0);
                sha.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(e.getValue());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
