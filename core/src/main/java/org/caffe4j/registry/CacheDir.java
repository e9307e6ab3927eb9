package org.caffe4j.registry;

import java.nio.file.Path;

/** Where fetched weights (and classpath model files, if a caller asks for one as a path) live: {@code $CAFFE4J_CACHE}, else {@code ~/.cache/caffe4j}. */
public final class CacheDir {
    public static final String ENV = "CAFFE4J_CACHE";

    private CacheDir() {
    }

    public static Path defaultRoot() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "caffe4j");
    }
}
