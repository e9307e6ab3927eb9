package org.caffe4j.runtime;

import org.caffe4j.CaffeModelException;
import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Node;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Weights whose kernels keep only a transform of them (Winograd's, or folded with a BatchNorm and Scale) are dropped
 * once planned and read again from their caffemodel when a later plan needs them, checked against what was dropped.
 */
class WeightsReadAgainTest {
    @TempDir
    Path dir;

    /**
     * "conv" is 3x3 stride 1 (Winograd on the profiles that choose it, else a packed GEMM: either way its weights
     * are dropped); "folded" takes the BatchNorm and Scale after it, so its kernel holds folded values.
     */
    private static final String NET = """
            name: "folds"
            input: "data" input_shape { dim: 1 dim: 8 dim: 12 dim: 12 }
            layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
                    convolution_param { num_output: 16 kernel_size: 3 pad: 1 } }
            layer { name: "folded" type: "Convolution" bottom: "conv" top: "folded"
                    convolution_param { num_output: 16 kernel_size: 3 pad: 1 } }
            layer { name: "bn" type: "BatchNorm" bottom: "folded" top: "bn" }
            layer { name: "scale" type: "Scale" bottom: "bn" top: "out" scale_param { bias_term: true } }
            layer { name: "relu" type: "ReLU" bottom: "out" top: "out" }
            """;

    private static Tensor input() {
        float[] x = new float[8 * 12 * 12];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 23) / 23f - 0.5f;
        }
        return new Tensor(new int[]{1, 8, 12, 12}, x);
    }

    @Test
    void droppedWeightsAreReadAgainBitForBitWhenAnotherPlanNeedsThem() throws Exception {
        Path net = Files.writeString(dir.resolve("folds.prototxt"), NET);
        Path weights = SeededCaffemodel.write(net, LoadOptions.defaults(), 5, dir.resolve("folds.caffemodel"));
        try (Model asLoaded = Model.builder().files(net, weights).build();
             Model planned = Model.builder().files(net, weights).build()) {
            Tensor x = input();
            float[] out = planned.run(x).data();
            // Left as loaded: conv's bias (its kernel reads it), BatchNorm's mean, variance and factor, Scale's two.
            long left = 4L * (16 + (16 + 16 + 1) + (16 + 16));
            assertEquals(left, planned.footprint(Map.of()).loadedWeightBytes());
            Node folded = planned.graph().nodes().stream().filter(n -> n.name().equals("folded")).findFirst()
                    .orElseThrow();
            assertEquals(0, folded.weights().get(0).heldBytes());
            assertEquals(0, folded.weights().get(1).heldBytes());

            // A plan that keeps "folded" before its BatchNorm cannot fold: it reads the stored weights again.
            Map<String, Tensor> kept = planned.run(Map.of("data", x), Set.of("folded", "out"));
            Map<String, Tensor> expected = asLoaded.run(Map.of("data", x), Set.of("folded", "out"));
            assertArrayEquals(expected.get("folded").data(), kept.get("folded").data());
            assertArrayEquals(expected.get("out").data(), kept.get("out").data());
            assertArrayEquals(out, planned.run(x).data());

            List<Node> loadedNodes = asLoaded.graph().nodes();
            List<Node> plannedNodes = planned.graph().nodes();
            for (int i = 0; i < loadedNodes.size(); i++) {
                for (int b = 0; b < loadedNodes.get(i).weights().size(); b++) {
                    assertArrayEquals(loadedNodes.get(i).weights().get(b).data(),
                            plannedNodes.get(i).weights().get(b).data(), loadedNodes.get(i).name() + " blob " + b);
                }
            }
        }
    }

    private static Blob foldedWeights(Model m) {
        return m.graph().nodes().stream().filter(n -> n.name().equals("folded")).findFirst().orElseThrow().weights()
                .get(0);
    }

    @Test
    void aCaffemodelChangedOrGoneSinceLoadingIsAnErrorNotADifferentAnswer() throws Exception {
        Path net = Files.writeString(dir.resolve("folds.prototxt"), NET);
        Path weights = SeededCaffemodel.write(net, LoadOptions.defaults(), 5, dir.resolve("folds.caffemodel"));
        try (Model changedUnder = Model.builder().files(net, weights).build()) {
            changedUnder.run(input());
            Blob dropped = foldedWeights(changedUnder);
            assertEquals(0, dropped.heldBytes());
            SeededCaffemodel.write(net, LoadOptions.defaults(), 6, weights); // same layers, other values
            CaffeModelException changed = assertThrows(CaffeModelException.class,
                    () -> changedUnder.run(Map.of("data", input()), Set.of("folded")));
            assertTrue(changed.getMessage().startsWith(weights + ": layer 'folded' blobs[0]: the file has changed"),
                    changed.getMessage());
            assertEquals(0, dropped.heldBytes());
        }
        try (Model deletedUnder = Model.builder().files(net, weights).build()) {
            deletedUnder.run(input());
            Files.delete(weights);
            CaffeModelException gone = assertThrows(CaffeModelException.class, foldedWeights(deletedUnder)::data);
            assertTrue(gone.getMessage().startsWith(weights + ": layer 'folded' blobs[0]: cannot read the weights "
                    + "again (the file is gone)"), gone.getMessage());
        }
    }

    @Test
    void weightsFromAStreamStayLoaded() throws Exception {
        Path net = Files.writeString(dir.resolve("folds.prototxt"), NET);
        Path weights = SeededCaffemodel.write(net, LoadOptions.defaults(), 5, dir.resolve("folds.caffemodel"));
        try (var netIn = Files.newInputStream(net); var weightsIn = Files.newInputStream(weights);
             Model streamed = Model.load(netIn, weightsIn, LoadOptions.defaults())) {
            streamed.run(input());
            Blob folded = streamed.graph().nodes().stream().filter(n -> n.name().equals("folded")).findFirst()
                    .orElseThrow().weights().get(0);
            assertEquals(4L * 16 * 16 * 9, folded.heldBytes(), "nothing to read them again from");
        }
    }

    @Test
    void aBlobWithoutOriginIsNotReleasedAndOneWithItIsCheckedAgainstItsChecksum() {
        Blob plain = new Blob(org.caffe4j.ir.Shape.of(3), new float[]{1, 2, 3}, false);
        assertFalse(plain.releaseToOrigin());
        assertEquals(12, plain.heldBytes());

        float[] values = {1.5f, -0f, Float.NaN};
        long[] asked = {0};
        Blob fromFile = new Blob(org.caffe4j.ir.Shape.of(3), values.clone(), false);
        fromFile.readableAgainFrom(checksum -> {
            asked[0] = checksum;
            return values.clone();
        });
        assertTrue(fromFile.releaseToOrigin());
        assertEquals(0, fromFile.heldBytes());
        assertArrayEquals(values, fromFile.data());
        assertEquals(Blob.checksum(values), asked[0]);
        assertTrue(Blob.checksum(values) != Blob.checksum(new float[]{1.5f, 0f, Float.NaN}), "-0 and +0 differ");
    }
}
