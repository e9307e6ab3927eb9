package org.caffe4j.cli;

import org.caffe4j.files.RegularFiles;
import org.caffe4j.preprocess.ImageDecoder;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The image files named on a command line (classify, detect): files as given, folders walked recursively with
 * their image files sorted, and every argument or folder entry that cannot be read as a file, with the reason.
 */
record ImageInputs(List<Path> files, Map<Path, String> skipped, boolean walkedFolder) {
    static ImageInputs collect(List<String> arguments) throws IOException {
        List<Path> files = new ArrayList<>();
        Map<Path, String> skipped = new LinkedHashMap<>();
        boolean walkedFolder = false;
        for (String arg : arguments) {
            Path p = Path.of(arg);
            if (Files.isDirectory(p)) {
                walkedFolder = true;
                List<Path> found = new ArrayList<>();
                Map<Path, String> foundSkipped = new TreeMap<>();
                walk(p, found, foundSkipped);
                found.sort(null);
                files.addAll(found);
                skipped.putAll(foundSkipped);
            } else {
                String problem = RegularFiles.problem(p);
                if (problem == null) {
                    files.add(p);
                } else {
                    skipped.put(p, problem);
                }
            }
        }
        return new ImageInputs(files, skipped, walkedFolder);
    }

    static boolean isImageName(Path p) {
        return ImageDecoder.hasImageExtension(p.getFileName().toString());
    }

    /**
     * Collects the image files under {@code folder} into {@code files}; every entry that cannot be read as a file
     * (FIFO, socket, device, broken link, link loop, unreadable folder) goes into {@code skipped} with the reason,
     * whatever its name. Links to files are followed; links to folders are not (a link to / would walk the whole
     * disk) and are reported, as a loop when they point back up the tree. Regular files not named like images are
     * left out silently.
     */
    private static void walk(Path folder, List<Path> files, Map<Path, String> skipped) throws IOException {
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    if (isImageName(file)) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
                String problem = RegularFiles.problem(file);
                if (problem == null) {
                    if (isImageName(file)) {
                        files.add(file);
                    }
                } else if (problem.equals("is a folder")) {
                    skipped.put(file, pointsUpTheTree(file) ? "symbolic link loop"
                            : "link to a folder, not followed (name the folder itself to read it)");
                } else {
                    skipped.put(file, problem);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                skipped.put(file, e instanceof AccessDeniedException ? "permission denied" : Main.describe(e));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                if (e != null) {
                    skipped.put(dir, "cannot list folder: " + Main.describe(e));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Whether a link to a folder points at the folder holding it or one of that folder's parents. */
    private static boolean pointsUpTheTree(Path link) {
        try {
            Path target = link.toRealPath();
            Path parent = link.toAbsolutePath().getParent().toRealPath();
            return parent.startsWith(target);
        } catch (IOException e) {
            return false;
        }
    }

}
