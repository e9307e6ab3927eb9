package org.caffe4j.plan;

import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.StepInfo;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.RandomWeights;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inference BatchNorm and Scale layers are folded into the convolution whose only reader they are (then its ReLU is
 * fused too), unless a caller keeps the values in between; the result matches the unfolded reference pass up to
 * float rounding.
 */
class AffineFoldingTest {
    private static final String NET = """
            name: "fold"
            input: "data" input_shape { dim: 2 dim: 3 dim: 12 dim: 12 }
            layer { name: "conv1" type: "Convolution" bottom: "data" top: "c1" convolution_param { num_output: 8 kernel_size: 3 pad: 1 } }
            layer { name: "bn1" type: "BatchNorm" bottom: "c1" top: "n1" }
            layer { name: "scale1" type: "Scale" bottom: "n1" top: "n1" scale_param { bias_term: true } }
            layer { name: "relu1" type: "ReLU" bottom: "n1" top: "n1" }
            layer { name: "conv2" type: "Convolution" bottom: "n1" top: "c2" convolution_param { num_output: 8 kernel_size: 1 bias_term: false } }
            layer { name: "bn2" type: "BatchNorm" bottom: "c2" top: "c2" }
            layer { name: "conv3" type: "Convolution" bottom: "c2" top: "c3" convolution_param { num_output: 8 kernel_size: 3 pad: 1 group: 8 } }
            layer { name: "bn3" type: "BatchNorm" bottom: "c3" top: "c3" batch_norm_param { use_global_stats: false } }
            layer { name: "pool" type: "Pooling" bottom: "c3" top: "out" pooling_param { pool: AVE global_pooling: true } }
            """;

    @TempDir
    static Path dir;
    private static Path net;
    private static Path weights;
    private static final Map<String, Tensor> INPUT = Map.of("data",
            new Tensor(new int[]{2, 3, 12, 12}, RandomWeights.input(3, 2 * 3 * 12 * 12)));

    @BeforeAll
    static void writeTheNet() throws Exception {
        net = Files.writeString(dir.resolve("fold.prototxt"), NET);
        weights = SeededCaffemodel.write(net, LoadOptions.defaults(), 5, dir.resolve("fold.caffemodel"));
    }

    @Test
    void batchNormAndScaleFoldIntoTheConvolutionAndItsReluFuses() throws Exception {
        try (Model m = Model.builder().files(net, weights).threads(2).build()) {
            List<StepInfo> steps = m.steps(Map.of());
            assertEquals(List.of("conv1+bn1+scale1+relu1", "conv2+bn2", "conv3", "bn3", "pool"),
                    steps.stream().map(StepInfo::label).toList());
            assertEquals(List.of("bn1", "scale1"), steps.get(0).folded());
            assertEquals("relu1", steps.get(0).fusedRelu());
            assertEquals(List.of(), steps.get(2).folded(), "batch statistics (use_global_stats false) do not fold");
        }
    }

    @Test
    void theFoldedPassMatchesTheReferenceUpToRounding() throws Exception {
        try (Model fast = Model.builder().files(net, weights).threads(2).build();
             Model reference = Model.builder().files(net, weights).reference(true).build()) {
            float[] expected = reference.run(INPUT).get("out").data();
            float[] folded = fast.run(INPUT).get("out").data();
            assertClose("out", expected, folded);
            assertTrue(reference.steps(Map.of()).stream().allMatch(s -> s.folded().isEmpty() && s.fusedRelu() == null),
                    "the reference plan folds nothing");
        }
    }

    @Test
    void keepingTheValuesInBetweenStopsTheFoldAndBothPlansStayRight() throws Exception {
        try (Model fast = Model.builder().files(net, weights).threads(2).build();
             Model reference = Model.builder().files(net, weights).reference(true).build()) {
            Map<String, Tensor> expected = reference.run(INPUT, Set.of("c1", "n1", "out"));
            float[] foldedBefore = fast.run(INPUT).get("out").data();
            // c1 is the convolution's own output: kept, it must exist, so bn1 and scale1 run as layers.
            Map<String, Tensor> kept = fast.run(INPUT, Set.of("c1", "n1", "out"));
            for (String blob : List.of("c1", "n1", "out")) {
                assertClose(blob, expected.get(blob).data(), kept.get(blob).data());
            }
            // The two plans' prepacked weights are their own: the folded plan is unchanged by the other.
            assertArrayEquals(foldedBefore, fast.run(INPUT).get("out").data());
        }
    }

    @Test
    void withoutACaffemodelThePlanStillRefusesNamingTheLayer() throws Exception {
        // Two threads build the kernels; of the three convolutions without weights the first in graph order is named.
        try (Model m = Model.builder().files(net, null).threads(2).build()) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(org.caffe4j.MalformedModelException.class,
                    () -> m.run(INPUT));
            assertTrue(e.getMessage().contains("layer 'conv1' (Convolution): blobs: no weights were loaded"),
                    e.getMessage());
        }
    }

    @Test
    void aPlanForAnotherInputShapeDoesNotFoldTheWeightsAgain(@TempDir Path tmp) throws Exception {
        // 128 -> 256 channels, 3x3: 1.2 MB of weights, which an eager fold would copy for every new input shape.
        Path big = Files.writeString(tmp.resolve("big.prototxt"), """
                name: "big"
                input: "data" input_shape { dim: 1 dim: 128 dim: 6 dim: 6 }
                layer { name: "conv" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 256 kernel_size: 3 } }
                layer { name: "bn" type: "BatchNorm" bottom: "c" top: "c" }
                layer { name: "scale" type: "Scale" bottom: "c" top: "c" scale_param { bias_term: true } }
                """);
        Path bigWeights = SeededCaffemodel.write(big, LoadOptions.defaults(), 3, tmp.resolve("big.caffemodel"));
        long weightBytes = 4L * 256 * 128 * 9;
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        float[] one = RandomWeights.input(4, 128 * 6 * 6);
        float[] two = new float[2 * one.length];
        System.arraycopy(one, 0, two, 0, one.length);
        System.arraycopy(one, 0, two, one.length, one.length);
        // One thread: the planner then builds the kernels on this thread, whose allocations are what is measured.
        try (Model m = Model.builder().files(big, bigWeights).threads(1).build()) {
            float[] single = m.run(new Tensor(new int[]{1, 128, 6, 6}, one)).data();
            assertEquals("conv+bn+scale", m.steps(Map.of()).get(0).label());
            long before = threads.getCurrentThreadAllocatedBytes();
            List<StepInfo> steps = m.steps(Map.of("data", new int[]{2, 128, 6, 6}));
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals("conv+bn+scale", steps.get(0).label());
            assertTrue(allocated < weightBytes / 4, "re-planning allocated " + allocated + " bytes; the folded "
                    + "weights are " + weightBytes);
            float[] pair = m.run(new Tensor(new int[]{2, 128, 6, 6}, two)).data();
            assertArrayEquals(single, java.util.Arrays.copyOf(pair, single.length));
            assertArrayEquals(single, java.util.Arrays.copyOfRange(pair, single.length, pair.length));
        }
    }

    /** Within float rounding of the blob's scale: |a - e| <= 1e-5 * max(1, max |e|). */
    private static void assertClose(String blob, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, blob);
        double scale = 1;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            assertTrue(err <= 1e-5 * scale, blob + "[" + i + "]: " + actual[i] + " vs " + expected[i]);
        }
    }
}
