package org.caffe4j.verify;

import org.caffe4j.files.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldenSetTest {
    @TempDir
    Path dir;

    private void npy(String file, float... values) throws IOException {
        Npy.write(dir.resolve(file), new int[]{values.length}, values);
    }

    @Test
    void metaJsonOrderWinsOverFileNames() throws IOException {
        npy("data.npy", 1, 2);
        npy("conv4.npy", 3);
        npy("a_b.npy", 4);
        Files.writeString(dir.resolve("meta.json"), """
                {"input": {"blob": "data", "file": "data.npy"},
                 "blobs": [{"name": "data", "file": "data.npy", "shape": [2]},
                           {"name": "conv4", "file": "conv4.npy", "shape": [1]},
                           {"name": "a/b", "file": "a_b.npy", "shape": [1]}]}
                """);
        GoldenSet g = GoldenSet.open(dir);
        assertEquals(List.of("data", "conv4", "a/b"), g.blobNames());
        assertEquals("data", g.inputBlob().orElseThrow());
        assertArrayEquals(new float[]{4}, g.read("a/b").data());
    }

    @Test
    void withoutMetaEveryNpyFileIsABlobInFileNameOrder() throws IOException {
        npy("pool1.npy", 1);
        npy("conv1.npy", 2);
        Files.writeString(dir.resolve("notes.txt"), "not a blob");
        assertEquals(List.of("conv1", "pool1"), GoldenSet.open(dir).blobNames());
    }

    @Test
    void aFileListedInMetaButMissingIsAnError() throws IOException {
        npy("data.npy", 1);
        Files.writeString(dir.resolve("meta.json"),
                "{\"blobs\": [{\"name\": \"data\", \"file\": \"data.npy\"}, {\"name\": \"prob\", \"file\": \"prob.npy\"}]}");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> GoldenSet.open(dir));
        assertTrue(e.getMessage().contains("prob.npy"), e.getMessage());
    }

    @Test
    void aMissingOrEmptySetIsAnError() {
        assertThrows(NoSuchFileException.class, () -> GoldenSet.open(dir.resolve("nope")));
        assertThrows(org.caffe4j.MalformedModelException.class, () -> GoldenSet.open(dir));
    }

    @Test
    void malformedMetaJsonIsAMalformedModelErrorNamingTheFile() throws IOException {
        npy("data.npy", 1);
        Files.writeString(dir.resolve("meta.json"), "{\"blobs\": [{\"name\": \"data\", \"file\": ");
        org.caffe4j.MalformedModelException e =
                assertThrows(org.caffe4j.MalformedModelException.class, () -> GoldenSet.open(dir));
        assertTrue(e.getMessage().contains("meta.json"), e.getMessage());
        Files.writeString(dir.resolve("meta.json"), "{\"blobs\": 3}");
        assertThrows(org.caffe4j.MalformedModelException.class, () -> GoldenSet.open(dir));
    }

    @Test
    void jsonReaderHandlesWhatPythonWrites() {
        Object o = JsonReader.parse("{\"a\": [1, -2.5e-3, true, null, NaN, -Infinity], \"s\": \"x\\\"\\u00e9\"}");
        Map<?, ?> m = (Map<?, ?>) o;
        List<?> a = (List<?>) m.get("a");
        assertEquals(-2.5e-3, (Double) a.get(1));
        assertEquals(Boolean.TRUE, a.get(2));
        assertTrue(((Double) a.get(4)).isNaN());
        assertEquals(Double.NEGATIVE_INFINITY, a.get(5));
        assertEquals("x\"\u00e9", m.get("s"));
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("[1, 2] x"));
    }

    /** The committed sets are complete: each meta.json blob exists with the shape meta.json records. */
    @ParameterizedTest
    @ValueSource(strings = {"lenet_mnist", "cifar10_quick", "nin_imagenet_cat", "nin_imagenet_fishbike",
            "layers/conv_group", "layers/v1_conv_pool_ip"})
    void committedSetsMatchTheirMeta(String set) throws IOException {
        GoldenSet g = GoldenSet.open(Path.of("testdata", "golden", set));
        assertEquals("4.6.0", g.meta().get("opencv_version"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> blobs = (List<Map<String, Object>>) g.meta().get("blobs");
        for (Map<String, Object> b : blobs) {
            int[] shape = ((List<?>) b.get("shape")).stream().mapToInt(o -> ((Double) o).intValue()).toArray();
            assertArrayEquals(shape, g.read((String) b.get("name")).shape(), set + "/" + b.get("name"));
        }
        assertEquals(g.blobNames().get(0), g.inputBlob().orElseThrow());
    }
}
