package org.caffe4j.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.StepInfo;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.RandomWeights;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * At batch 1 the convolutions a Concat joins write straight into its buffer and the Concat has no step (SqueezeNet's
 * fire modules, GoogLeNet's inceptions); the net's values are the same bits as with the copy. A Concat keeps its step
 * when one of its inputs cannot be placed (a pooling top, a top a caller keeps or another layer reads) or when the
 * inputs are not runs of its output (batch 2).
 */
class ConcatPlacementTest {
    private static final String NET = """
            name: "joins"
            input: "data" input_shape { dim: 1 dim: 8 dim: 15 dim: 15 }
            layer { name: "squeeze" type: "Convolution" bottom: "data" top: "s" convolution_param { num_output: 16 kernel_size: 1 } }
            layer { name: "relu_s" type: "ReLU" bottom: "s" top: "s" }
            layer { name: "e1" type: "Convolution" bottom: "s" top: "e1" convolution_param { num_output: 24 kernel_size: 1 } }
            layer { name: "relu_e1" type: "ReLU" bottom: "e1" top: "e1" }
            layer { name: "e3" type: "Convolution" bottom: "s" top: "e3" convolution_param { num_output: 40 kernel_size: 3 pad: 1 } }
            layer { name: "relu_e3" type: "ReLU" bottom: "e3" top: "e3" }
            layer { name: "fire" type: "Concat" bottom: "e1" bottom: "e3" top: "fire" }
            layer { name: "pool" type: "Pooling" bottom: "fire" top: "p" pooling_param { pool: MAX kernel_size: 3 stride: 2 } }
            layer { name: "a" type: "Convolution" bottom: "p" top: "a" convolution_param { num_output: 8 kernel_size: 1 } }
            layer { name: "b" type: "Convolution" bottom: "p" top: "b" convolution_param { num_output: 8 kernel_size: 3 pad: 1 } }
            layer { name: "c" type: "Pooling" bottom: "p" top: "c" pooling_param { pool: MAX kernel_size: 3 stride: 1 pad: 1 } }
            layer { name: "mixed" type: "Concat" bottom: "a" bottom: "b" bottom: "c" top: "mixed" }
            layer { name: "head" type: "Convolution" bottom: "mixed" top: "out" convolution_param { num_output: 10 kernel_size: 1 } }
            """;

    @TempDir
    static Path dir;
    private static Path net;
    private static Path weights;

    @BeforeAll
    static void writeTheNet() throws Exception {
        net = Files.writeString(dir.resolve("joins.prototxt"), NET);
        weights = SeededCaffemodel.write(net, LoadOptions.defaults(), 3, dir.resolve("joins.caffemodel"));
    }

    private static Map<String, Tensor> input(int batch) {
        return Map.of("data", new Tensor(new int[]{batch, 8, 15, 15}, RandomWeights.input(7, batch * 8 * 15 * 15)));
    }

    @Test
    void theFireConcatHasNoStepAndItsConvolutionsSayWhereTheyWrite() throws Exception {
        try (Model m = Model.builder().files(net, weights).threads(2).build()) {
            assertEquals(List.of("squeeze+relu_s", "e1+relu_e1>fire", "e3+relu_e3>fire", "pool", "a", "b", "c",
                    "mixed", "head"), m.steps(Map.of()).stream().map(StepInfo::label).toList(),
                    "fire's inputs are placed; mixed keeps its step (c is a pooling top)");
        }
    }

    @Test
    void placedTopsGiveTheSameBitsAsTheCopy() throws Exception {
        try (Model m = Model.builder().files(net, weights).threads(2).build();
             Model reference = Model.builder().files(net, weights).reference(true).build()) {
            Map<String, Tensor> in = input(1);
            // Keeping e1 and e3 leaves fire's copy in the plan; keeping only fire still places them.
            Map<String, Tensor> copied = m.run(in, Set.of("e1", "e3", "fire", "out"));
            Map<String, Tensor> placed = m.run(in, Set.of("fire", "out"));
            assertTrue(m.steps(Map.of()).stream().noneMatch(s -> s.layer().equals("fire")));
            float[] e1 = copied.get("e1").data();
            float[] e3 = copied.get("e3").data();
            float[] fire = placed.get("fire").data();
            assertArrayEquals(e1, Arrays.copyOfRange(fire, 0, e1.length), "e1 is the first run of fire");
            assertArrayEquals(e3, Arrays.copyOfRange(fire, e1.length, fire.length), "e3 follows it");
            assertArrayEquals(copied.get("fire").data(), fire);
            assertArrayEquals(copied.get("out").data(), placed.get("out").data());
            assertArrayEquals(copied.get("out").data(), m.run(in).get("out").data());
            float[] expected = reference.run(in).get("out").data();
            float[] actual = placed.get("out").data();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4f * Math.max(1, Math.abs(expected[i])), "out[" + i + "]");
            }
        }
    }

    @Test
    void aTopAnotherLayerReadsIsNotPlaced() throws Exception {
        String twoReaders = NET.replace("""
                layer { name: "head" """, """
                layer { name: "extra" type: "Pooling" bottom: "e3" top: "e3pool" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
                layer { name: "head" """);
        Path other = Files.writeString(dir.resolve("two_readers.prototxt"), twoReaders);
        try (Model m = Model.builder().files(other, weights).threads(2).build()) {
            List<String> labels = m.steps(Map.of()).stream().map(StepInfo::label).toList();
            assertTrue(labels.contains("fire") && labels.contains("e3+relu_e3") && labels.contains("e1+relu_e1"),
                    labels.toString());
        }
    }

    @Test
    void aBatchKeepsTheCopyAndEachImageGetsTheBitsItGetsAlone() throws Exception {
        try (Model m = Model.builder().files(net, weights).threads(2).build()) {
            Map<String, int[]> two = Map.of("data", new int[]{2, 8, 15, 15});
            assertTrue(m.steps(two).stream().anyMatch(s -> s.layer().equals("fire") && s.concat() == null),
                    "at batch 2 the inputs are not runs of fire's output");
            Map<String, Tensor> batch = input(2);
            float[] both = m.run(batch).get("out").data();
            float[] data = batch.get("data").data();
            int image = data.length / 2;
            for (int n = 0; n < 2; n++) {
                Tensor one = new Tensor(new int[]{1, 8, 15, 15}, Arrays.copyOfRange(data, n * image, (n + 1) * image));
                float[] alone = m.run(Map.of("data", one)).get("out").data();
                assertArrayEquals(alone, Arrays.copyOfRange(both, n * alone.length, (n + 1) * alone.length),
                        "image " + n);
            }
        }
    }
}
