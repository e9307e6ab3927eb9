package org.caffe4j.cli;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The jars named by {@code --plugins} (and {@code CAFFE4J_PLUGINS}): layer plug-ins for every verb. A path is a jar
 * or a folder whose {@code *.jar} files are all taken. They are loaded in one class loader whose parent is the
 * command line's own, so plug-ins see caffe4j's {@code org.caffe4j.spi} classes.
 */
final class PluginJars {
    private PluginJars() {
    }

    /** Removes every {@code --plugins PATH} / {@code --plugins=PATH} from {@code args} into {@code paths}. */
    static String[] extract(String[] args, List<String> paths) {
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                rest.addAll(List.of(args).subList(i, args.length));
                break;
            }
            if (args[i].equals("--plugins")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--plugins needs a jar file or a folder of jars");
                }
                paths.add(args[++i]);
            } else if (args[i].startsWith("--plugins=")) {
                paths.add(args[i].substring("--plugins=".length()));
            } else {
                rest.add(args[i]);
            }
        }
        return rest.toArray(String[]::new);
    }

    /** Paths from the environment variable's value, separated as class paths are. */
    static List<String> fromEnvironment(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String p : value.split(File.pathSeparator)) {
                if (!p.isBlank()) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    static URLClassLoader loader(List<String> paths, ClassLoader parent) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (String p : paths) {
            Path path = Path.of(p);
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.list(path)) {
                    for (Path jar : files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                            .sorted().toList()) {
                        urls.add(url(jar));
                    }
                }
            } else if (Files.isRegularFile(path) && p.endsWith(".jar")) {
                urls.add(url(path));
            } else if (Files.exists(path)) {
                throw new IllegalArgumentException("--plugins '" + p + "': not a .jar file or a folder of jars");
            } else {
                throw new IllegalArgumentException("--plugins '" + p + "': no such file or folder");
            }
        }
        return new URLClassLoader("caffe4j-plugins", urls.toArray(URL[]::new), parent);
    }

    private static URL url(Path jar) throws MalformedURLException {
        return jar.toAbsolutePath().toUri().toURL();
    }
}
