package org.caffe4j.runtime;

import org.caffe4j.MemoryBudget;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.caffe4j.ir.Node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a loaded model keeps on the heap: its weights once, not the caffemodel message they were decoded from, and
 * once planned not both the loaded values and the kernels' packed copy of them.
 */
class ModelMemoryTest {
    @TempDir
    Path dir;

    @Test
    void aLoadedModelHoldsItsWeightsOnceAndNotTheCaffemodelBytes() throws Exception {
        // 10 million weights: 40 MB as floats, and a 40 MB caffemodel.
        Path net = Files.writeString(dir.resolve("wide.prototxt"), """
                name: "wide"
                input: "data" input_shape { dim: 1 dim: 10000 }
                layer { name: "fc" type: "InnerProduct" bottom: "data" top: "out" inner_product_param { num_output: 1000 bias_term: false } }
                """);
        Path weights = SeededCaffemodel.write(net, LoadOptions.defaults(), 1, dir.resolve("wide.caffemodel"));
        long weightBytes = 4L * 10_000 * 1_000;
        assertTrue(Files.size(weights) >= weightBytes);
        long before = MemoryBudget.liveHeapBytesAfterFullCollection();
        try (Model m = Model.builder().files(net, weights).build()) {
            long held = MemoryBudget.liveHeapBytesAfterFullCollection() - before;
            assertTrue(held > weightBytes * 9 / 10, "the weights are on the heap: " + held);
            assertTrue(held < weightBytes * 3 / 2, "a loaded model holds " + held + " bytes for " + weightBytes
                    + " bytes of weights (the caffemodel message kept beside them would double it)");
            assertEquals(1000, m.run(new Tensor(new int[]{1, 10000}, new float[10000])).data().length);
            // Planned: the GEMV kernel's packed panels are now the only copy (both copies would be twice the weights).
            long planned = MemoryBudget.liveHeapBytesAfterFullCollection() - before;
            assertTrue(planned < weightBytes * 3 / 2, "a planned model holds " + planned + " bytes for " + weightBytes
                    + " bytes of weights");
            assertEquals(0, m.footprint(Map.of()).loadedWeightBytes());
        }
    }

    @Test
    void weightsDroppedForTheKernelsCopyComeBackExactly() throws Exception {
        Path net = Files.writeString(dir.resolve("mixed.prototxt"), """
                name: "mixed"
                input: "data" input_shape { dim: 1 dim: 3 dim: 13 dim: 13 }
                layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
                        convolution_param { num_output: 20 kernel_size: 2 stride: 2 } }
                layer { name: "mix" type: "Convolution" bottom: "conv" top: "mix" convolution_param { num_output: 9 kernel_size: 1 } }
                layer { name: "wide" type: "Convolution" bottom: "mix" top: "wide"
                        convolution_param { num_output: 64 kernel_size: 1 } }
                layer { name: "fc" type: "InnerProduct" bottom: "wide" top: "fc" inner_product_param { num_output: 7 } }
                layer { name: "fct" type: "InnerProduct" bottom: "fc" top: "out"
                        inner_product_param { num_output: 5 transpose: true } }
                """);
        Path weights = SeededCaffemodel.write(net, LoadOptions.defaults(), 3, dir.resolve("mixed.caffemodel"));
        try (Model loaded = Model.builder().files(net, weights).build();
             Model planned = Model.builder().files(net, weights).build()) {
            float[] input = new float[3 * 13 * 13];
            for (int i = 0; i < input.length; i++) {
                input[i] = (i % 17) / 17f - 0.4f;
            }
            Tensor x = new Tensor(new int[]{1, 3, 13, 13}, input);
            float[] first = planned.run(x).data();
            long held = planned.footprint(Map.of()).loadedWeightBytes();
            assertEquals(4L * (20 + 9 + 64 + 7 + 5), held, "only the biases stay as loaded: " + held);
            List<Node> before = loaded.graph().nodes();
            List<Node> after = planned.graph().nodes();
            for (int i = 0; i < before.size(); i++) {
                for (int b = 0; b < before.get(i).weights().size(); b++) {
                    assertArrayEquals(before.get(i).weights().get(b).data(), after.get(i).weights().get(b).data(),
                            before.get(i).name() + " blob " + b);
                }
            }
            // Rebuilt for whoever asked, and the kernels still give the same answer at another batch. Every layer
            // here runs a packed GEMM on any CPU profile (no 3x3 or 5x5 stride-1 layer, no strided one that
            // space-to-depth could turn into Winograd). With AVX-512's 32-wide tiles "wide" (64 outputs on 6x6)
            // runs one image on the few-columns path's channel tiles alone and two images on rebuilt panels; with
            // AVX2's 16-wide tiles it takes the panels throughout (PackedWeightsTest covers the rebuild there).
            assertTrue(planned.footprint(Map.of()).loadedWeightBytes() > held);
            float[] twice = new float[2 * input.length];
            System.arraycopy(input, 0, twice, 0, input.length);
            System.arraycopy(input, 0, twice, input.length, input.length);
            float[] batch = planned.run(new Tensor(new int[]{2, 3, 13, 13}, twice)).data();
            assertArrayEquals(first, java.util.Arrays.copyOf(batch, first.length));
        }
    }
}
