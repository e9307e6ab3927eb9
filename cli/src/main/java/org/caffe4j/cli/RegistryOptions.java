package org.caffe4j.cli;

import org.caffe4j.registry.CacheDir;
import org.caffe4j.fetch.ProgressBar;
import org.caffe4j.registry.ModelRegistry;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Options of commands that look models up by name: extra model folders, the cache, progress bars. */
final class RegistryOptions {
    @Option(names = "--models", paramLabel = "DIR",
            description = "a model folder, or a folder of model folders, searched before the built-in models (repeatable)")
    List<Path> modelFolders;

    @Option(names = "--cache", paramLabel = "DIR", description = "weights cache (default: $CAFFE4J_CACHE or ~/.cache/caffe4j)")
    Path cache;

    @Option(names = "--progress", negatable = true,
            description = "draw progress bars on stderr (default: only when run on a terminal)")
    Boolean progress;

    ModelRegistry registry() {
        return ModelRegistry.standard(modelFolders == null ? List.of() : modelFolders, cacheDir());
    }

    Path cacheDir() {
        return cache != null ? cache : CacheDir.defaultRoot();
    }

    boolean progress() {
        return progress != null ? progress : ProgressBar.interactiveByDefault();
    }
}
