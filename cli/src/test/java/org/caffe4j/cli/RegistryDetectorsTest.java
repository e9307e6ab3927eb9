package org.caffe4j.cli;

import org.caffe4j.registry.ModelRegistry;
import org.caffe4j.registry.ModelSpec;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two detectors in the registry: OpenCV's face detector and MobileNet-SSD. Their weights cannot be downloaded
 * here, so a seeded caffemodel stands in: refused by its SHA-1 as it should be, then accepted explicitly, after which
 * {@code detect --model NAME} runs with the manifest's preprocessing and labels.
 */
@Timeout(120)
class RegistryDetectorsTest {
    @TempDir
    Path dir;

    @Test
    void manifestsNameTheirWeightsLabelsAndOutput() throws IOException {
        ModelRegistry registry = ModelRegistry.standard(List.of());
        ModelSpec face = registry.get("res10-face");
        assertEquals("31fc22bfdd907567a04bb45b7cfad29966caddc1", face.weights().sha1());
        assertEquals(List.of("background", "face"), face.labels());
        assertEquals("detection_out", face.outputBlob());
        ModelSpec ssd = registry.get("mobilenet-ssd");
        assertEquals("994d30a8afaa9e754d17d2373b2d62a7dfbaaf7a", ssd.weights().sha1());
        assertEquals(21, ssd.labels().size());
        assertEquals("person", ssd.labels().get(15));
    }

    @ParameterizedTest(name = "{0}")
    // Seeded MobileNet-SSD scores stay near 1/21, under its deploy net's confidence_threshold of 0.25: no boxes.
    @CsvSource({"res10-face, models/res10-face/deploy.prototxt, 7, 1",
            "mobilenet-ssd, models/mobilenet-ssd/MobileNetSSD_deploy.prototxt, 18, 0"})
    void detectRunsWithTheManifestOnceWeightsAreImported(String model, String prototxt, long seed, int minBoxes)
            throws IOException {
        Path weights = SeededCaffemodel.write(Path.of(prototxt), LoadOptions.defaults(), seed, dir.resolve("seeded.caffemodel"));
        Path cache = dir.resolve("cache");
        CliRun refused = CliRun.of("fetch", model, "--cache", cache.toString(), "--from", weights.toString());
        assertEquals(Main.EXIT_BAD_INPUT, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("SHA-1") || refused.err().contains("sha1"), refused.err());
        CliRun accepted = CliRun.of("fetch", model, "--cache", cache.toString(), "--from", weights.toString(),
                "--accept-checksum");
        assertEquals(0, accepted.code(), accepted.err());
        CliRun detect = CliRun.of("detect", "--model", model, "--cache", cache.toString(), "--threshold", "0",
                "--csv", "testdata/images/cat.jpg");
        assertEquals(0, detect.code(), detect.err());
        List<String> rows = detect.out().lines().toList();
        assertEquals("file,index,label,score,xmin,ymin,xmax,ymax", rows.get(0));
        assertTrue(rows.size() - 1 >= minBoxes, detect.out());
        for (String row : rows.subList(1, rows.size())) {
            assertTrue(row.startsWith("testdata/images/cat.jpg,"), row);
        }
    }
}
