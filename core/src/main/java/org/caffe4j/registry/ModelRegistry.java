package org.caffe4j.registry;


import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds models by name. Searched in order: folders the user gave (each either one model folder holding a
 * {@code model.properties} or a folder of model folders), the {@code CAFFE4J_MODELS} path list, {@code ./models}
 * (the project's own folder when run from a checkout), then the manifests packaged in the jar under
 * {@code caffe4j/models/} (listed by {@code caffe4j/models/INDEX}). The first match wins. Immutable.
 */
public final class ModelRegistry {
    public static final String ENV = "CAFFE4J_MODELS";
    static final String CLASSPATH_ROOT = "caffe4j/models";

    private final List<Path> folders;
    private final boolean classpath;
    private final Path cacheDir;

    private ModelRegistry(List<Path> folders, boolean classpath, Path cacheDir) {
        this.folders = List.copyOf(folders);
        this.classpath = classpath;
        this.cacheDir = cacheDir;
    }

    /** User folders, then $CAFFE4J_MODELS, ./models and the classpath; cache from {@link CacheDir#defaultRoot()}. */
    public static ModelRegistry standard(List<Path> userFolders) {
        return standard(userFolders, CacheDir.defaultRoot());
    }

    public static ModelRegistry standard(List<Path> userFolders, Path cacheDir) {
        List<Path> all = new ArrayList<>(userFolders);
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            for (String part : env.split(java.io.File.pathSeparator)) {
                if (!part.isBlank()) {
                    all.add(Path.of(part));
                }
            }
        }
        all.add(Path.of("models"));
        return new ModelRegistry(all, true, cacheDir);
    }

    /** Exactly these folders (and the classpath when asked); for tests and embedding. */
    public static ModelRegistry of(List<Path> folders, boolean includeClasspath, Path cacheDir) {
        return new ModelRegistry(folders, includeClasspath, cacheDir);
    }

    public Path cacheDir() {
        return cacheDir;
    }

    public Optional<ModelSpec> find(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            return Optional.empty();
        }
        for (Path folder : folders) {
            if (Files.isRegularFile(folder.resolve(ModelSpec.MANIFEST))
                    && folder.toAbsolutePath().normalize().getFileName().toString().equals(name)) {
                return Optional.of(ModelSpec.read(name, new ModelSource.Folder(folder), cacheDir));
            }
            Path candidate = folder.resolve(name);
            if (Files.isRegularFile(candidate.resolve(ModelSpec.MANIFEST))) {
                return Optional.of(ModelSpec.read(name, new ModelSource.Folder(candidate), cacheDir));
            }
        }
        if (classpath) {
            ModelSource.Classpath source = new ModelSource.Classpath(CLASSPATH_ROOT + "/" + name,
                    cacheDir.resolve("models").resolve(name));
            if (source.exists(ModelSpec.MANIFEST)) {
                return Optional.of(ModelSpec.read(name, source, cacheDir));
            }
        }
        return Optional.empty();
    }

    /** The model called {@code name}; an unknown name is an IllegalArgumentException listing the known ones. */
    public ModelSpec get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown model '" + name
                + "'; known models: " + String.join(", ", names())));
    }

    /** Every model name the registry can find, sorted. */
    public List<String> names() {
        TreeSet<String> names = new TreeSet<>();
        for (Path folder : folders) {
            if (Files.isRegularFile(folder.resolve(ModelSpec.MANIFEST))) {
                names.add(folder.toAbsolutePath().normalize().getFileName().toString());
            } else if (Files.isDirectory(folder)) {
                try (Stream<Path> children = Files.list(folder)) {
                    children.filter(c -> Files.isRegularFile(c.resolve(ModelSpec.MANIFEST)))
                            .forEach(c -> names.add(c.getFileName().toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        if (classpath) {
            names.addAll(classpathIndex());
        }
        return List.copyOf(names);
    }

    /**
     * The bundled models' INDEX. Read through {@code Class.getResourceAsStream}: on the module path that finds the
     * module's own resources (caffe4j/models is a concealed package there, which the class loader's lookup would not
     * see); on the classpath it is the class loader's lookup.
     */
    static List<String> classpathIndex() {
        try (InputStream in = ModelRegistry.class.getResourceAsStream("/" + CLASSPATH_ROOT + "/INDEX")) {
            if (in == null) {
                return List.of();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
