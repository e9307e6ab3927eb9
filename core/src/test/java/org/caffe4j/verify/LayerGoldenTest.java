package org.caffe4j.verify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.caffe4j.testing.GoldenAssertions.GOLDEN;
import static org.caffe4j.testing.GoldenAssertions.assertMatchesGolden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every synthetic layer case of {@code testdata/golden/layers}. The manifest is the case table of that folder's
 * README.md (written by make_layer_nets.py together with the cases), so a deleted case directory fails here.
 */
class LayerGoldenTest {
    private static final Path LAYERS = GOLDEN.resolve("layers");

    static List<String> manifest() throws IOException {
        return Files.readAllLines(LAYERS.resolve("README.md")).stream()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| case ") && !l.startsWith("|---"))
                .map(l -> l.substring(2, l.indexOf(" |", 2)).trim())
                .toList();
    }

    @Test
    void manifestAndDirectoriesAgree() throws IOException {
        TreeSet<String> dirs = new TreeSet<>();
        try (Stream<Path> s = Files.list(LAYERS)) {
            s.filter(Files::isDirectory).forEach(p -> dirs.add(p.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(manifest()), dirs);
        assertTrue(dirs.size() >= 25, "expected the full set of layer cases, found " + dirs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifest")
    void layerCaseMatchesOpenCv(String name) throws IOException {
        Path dir = LAYERS.resolve(name);
        assertMatchesGolden(dir.resolve("net.prototxt"), dir.resolve("net.caffemodel"), dir);
    }
}
