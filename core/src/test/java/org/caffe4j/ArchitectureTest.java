package org.caffe4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The import map of src/main, read from the sources' import lines: stages depend one way (format -> importer -> ir ->
 * plan -> kernels -> runtime -> cli), and what still goes against that is listed here by name, so that the lists
 * can only shrink: an entry that no longer exists fails the test as much as a new one (issue 21).
 */
class ArchitectureTest {
    /** Imports that lie on a package cycle, still to break ("from -> to"). */
    private static final Set<String> CYCLES_TO_BREAK = Set.of();

    /** Arrows out of ir (to anything in caffe4j but ir) still to remove: none, ir is pure data on the JDK. */
    private static final Set<String> IR_ARROWS_TO_REMOVE = Set.of();

    /** The command line's imports of internal stages still to replace by public API ("cli -> package"): none. */
    private static final Set<String> CLI_INTERNALS_TO_REMOVE = Set.of();

    /** Packages no one outside the library's stages may use: the CLI stays on the public API. */
    private static final Set<String> INTERNAL = Set.of("io", "ir", "ops", "ops.registry", "plan", "importer", "proto");

    /** Every module's main sources (tests run from the repository's root). */
    private static final List<Path> MAIN_SOURCES = List.of(
            Path.of("core/src/main/java/org/caffe4j"), Path.of("cli/src/main/java/org/caffe4j"));

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?org\\.caffe4j\\.([\\w.]+);", Pattern.MULTILINE);

    @Test
    void packagesFormNoCyclesAndIrDependsOnNothingButTheJdk() throws IOException {
        Map<String, Set<String>> edges = importMap(MAIN_SOURCES);
        Set<String> cycles = new TreeSet<>();
        for (String a : edges.keySet()) {
            for (String b : edges.get(a)) {
                if (reaches(edges, b, a)) {
                    cycles.add(a + " -> " + b);
                }
            }
        }
        Set<String> irArrows = new TreeSet<>();
        for (String to : edges.getOrDefault("ir", Set.of())) {
            irArrows.add("ir -> " + to);
        }
        assertEquals(new TreeSet<>(CYCLES_TO_BREAK), cycles,
                "imports that lie on a package cycle (add none; remove the ones you have broken from CYCLES_TO_BREAK)");
        assertEquals(new TreeSet<>(IR_ARROWS_TO_REMOVE), irArrows,
                "ir's dependencies (add none; remove the ones you have cut from IR_ARROWS_TO_REMOVE)");
    }

    @Test
    void theCommandLineUsesNoInternalStageBeyondItsList() throws IOException {
        Set<String> found = new TreeSet<>();
        for (String to : importMap(MAIN_SOURCES).getOrDefault("cli", Set.of())) {
            if (INTERNAL.contains(to) || to.equals("kernels") || to.startsWith("kernels.")) {
                found.add("cli -> " + to);
            }
        }
        assertEquals(new TreeSet<>(CLI_INTERNALS_TO_REMOVE), found,
                "the CLI's imports of internal stages (add none; remove the ones you have replaced)");
    }

    /** The user-facing packages' imports of internal stages still to replace by public API. */
    private static final Set<String> API_INTERNALS_TO_REMOVE = Set.of();

    /** Packages a user programs against; runtime is the one door to the internal stages. */
    private static final Set<String> API = Set.of("classify", "detect", "verify", "registry", "fetch", "preprocess",
            "files", "spi", "examples");

    @Test
    void theUserFacingPackagesUseNoInternalStageBeyondTheirList() throws IOException {
        Set<String> found = new TreeSet<>();
        importMap(MAIN_SOURCES).forEach((from, tos) -> {
            if (API.contains(from)) {
                for (String to : tos) {
                    if (INTERNAL.contains(to) || to.equals("kernels") || to.startsWith("kernels.")) {
                        found.add(from + " -> " + to);
                    }
                }
            }
        });
        assertEquals(new TreeSet<>(API_INTERNALS_TO_REMOVE), found,
                "the user-facing packages' imports of internal stages (add none; remove the ones you have replaced)");
    }

    @Test
    void theMapSeesRealImports() throws IOException {
        Map<String, Set<String>> edges = importMap(MAIN_SOURCES);
        assertTrue(edges.get("cli").contains("runtime"), edges.toString());
        assertTrue(edges.get("importer").contains("ir") && edges.get("importer").contains("io"), edges.toString());
        assertTrue(!edges.containsKey("kernels") || !edges.get("kernels").contains("ir"), "kernels know no graph");
    }

    /**
     * The Vector API is linked from one package only: a JVM without {@code jdk.incubator.vector} then loads none of
     * it, and {@code Simd} hands out the scalar twins (which is why a fast path's vector twin lives in kernels.simd,
     * not beside its reference kernel).
     */
    @Test
    void onlyKernelsSimdLinksTheVectorApi() throws IOException {
        Set<Path> linking = new TreeSet<>();
        for (Path root : MAIN_SOURCES) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                    if (Files.readString(f).contains("jdk.incubator.vector.")) {
                        linking.add(root.relativize(f));
                    }
                }
            }
        }
        assertTrue(!linking.isEmpty(), "the vector kernels are found");
        for (Path f : linking) {
            assertEquals(Path.of("kernels/simd"), f.getParent(), f + " imports the Vector API outside kernels/simd");
        }
    }

    /** package (relative to org.caffe4j, "(root)" for it) -> the org.caffe4j packages its files import. */
    static Map<String, Set<String>> importMap(List<Path> roots) throws IOException {
        Map<String, Set<String>> edges = new TreeMap<>();
        for (Path root : roots) {
            addImports(root, edges);
        }
        return edges;
    }

    private static void addImports(Path root, Map<String, Set<String>> edges) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path f : files) {
            Path dir = root.relativize(f.getParent());
            String from = dir.toString().isEmpty() ? "(root)" : dir.toString().replace('/', '.');
            Set<String> to = edges.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher m = IMPORT.matcher(Files.readString(f));
            while (m.find()) {
                String target = packageOf(m.group(1));
                if (!target.equals(from)) {
                    to.add(target);
                }
            }
        }
    }

    /** The package part of an imported name: "ops.registry" of "ops.registry.OpRegistry", "(root)" of "ShapeException". */
    private static String packageOf(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("\\.")) {
            if (Character.isUpperCase(part.charAt(0))) {
                break; // a class; what follows is a nested class or a static member
            }
            parts.add(part);
        }
        return parts.isEmpty() ? "(root)" : String.join(".", parts);
    }

    private static boolean reaches(Map<String, Set<String>> edges, String from, String to) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(List.of(from));
        while (!todo.isEmpty()) {
            String p = todo.remove(todo.size() - 1);
            if (p.equals(to)) {
                return true;
            }
            if (seen.add(p)) {
                todo.addAll(edges.getOrDefault(p, Set.of()));
            }
        }
        return false;
    }
}
