package org.caffe4j.runtime;

import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A one-shot model (a command-line run of one input) runs the scalar twins of the vector kernels: the same tiles and
 * float operations, so every blob equals the default model's bit for bit, whatever this machine's vector width.
 */
class OneShotModelTest {
    @TempDir
    Path dir;

    /**
     * Every kernel family a twin stands in for: space-to-depth and Winograd 3x3 and 5x5 (on the profiles whose cost
     * model picks them for these shapes; GEMM otherwise), 1x1 and im2col GEMMs, the few-columns path ("wide": 96
     * outputs on 6x6, with AVX-512's tiles), depthwise, deconvolution, both poolings, LRN, ReLU and an inner
     * product (GEMV at batch 1).
     */
    private static final String NET = """
            name: "families"
            input: "data" input_shape { dim: 1 dim: 3 dim: 67 dim: 67 }
            layer { name: "s2d" type: "Convolution" bottom: "data" top: "s2d"
                    convolution_param { num_output: 48 kernel_size: 11 stride: 4 } }
            layer { name: "relu1" type: "ReLU" bottom: "s2d" top: "s2d" }
            layer { name: "lrn" type: "LRN" bottom: "s2d" top: "lrn" lrn_param { local_size: 5 alpha: 0.0001 beta: 0.75 } }
            layer { name: "w3" type: "Convolution" bottom: "lrn" top: "w3"
                    convolution_param { num_output: 64 kernel_size: 3 pad: 1 } }
            layer { name: "w5" type: "Convolution" bottom: "w3" top: "w5"
                    convolution_param { num_output: 64 kernel_size: 5 pad: 2 } }
            layer { name: "max" type: "Pooling" bottom: "w5" top: "max" pooling_param { pool: MAX kernel_size: 3 stride: 2 } }
            layer { name: "dw" type: "Convolution" bottom: "max" top: "dw"
                    convolution_param { num_output: 64 group: 64 kernel_size: 3 pad: 1 } }
            layer { name: "pw" type: "Convolution" bottom: "dw" top: "pw" convolution_param { num_output: 64 kernel_size: 1 } }
            layer { name: "relu2" type: "ReLU" bottom: "pw" top: "pw" }
            layer { name: "im2col" type: "Convolution" bottom: "pw" top: "im2col"
                    convolution_param { num_output: 40 kernel_size: 2 } }
            layer { name: "wide" type: "Convolution" bottom: "im2col" top: "wide"
                    convolution_param { num_output: 96 kernel_size: 1 } }
            layer { name: "up" type: "Deconvolution" bottom: "wide" top: "up"
                    convolution_param { num_output: 8 kernel_size: 2 stride: 2 } }
            layer { name: "ave" type: "Pooling" bottom: "up" top: "ave" pooling_param { pool: AVE kernel_size: 2 stride: 2 } }
            layer { name: "fc" type: "InnerProduct" bottom: "ave" top: "fc" inner_product_param { num_output: 10 } }
            """;

    @Test
    void aOneShotModelRunsTheScalarTwinsAndGivesTheSameBits() throws Exception {
        Path net = Files.writeString(dir.resolve("families.prototxt"), NET);
        Path weights = SeededCaffemodel.write(net, LoadOptions.defaults(), 9, dir.resolve("families.caffemodel"));
        float[] x = new float[3 * 67 * 67];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 37) % 101) / 101f - 0.45f;
        }
        Map<String, Tensor> feed = Map.of("data", new Tensor(new int[]{1, 3, 67, 67}, x));
        Set<String> blobs = Set.of("s2d", "lrn", "w3", "w5", "max", "dw", "pw", "im2col", "wide", "up", "ave", "fc");
        try (Model vector = Model.builder().files(net, weights).build();
             Model oneShot = Model.builder().files(net, weights).oneShot(true).build()) {
            assertFalse(vector.runsScalarTwins());
            assertTrue(oneShot.runsScalarTwins());
            assertEquals(Simd.twins().sgemm().nr(), Simd.kernels().sgemm().nr(), "the twins take the same tiles");
            Map<String, Tensor> expected = vector.run(feed, blobs);
            Map<String, Tensor> got = oneShot.run(feed, blobs);
            for (String blob : blobs) {
                assertArrayEquals(expected.get(blob).data(), got.get(blob).data(), blob);
            }
            // The fused plan (outputs only: ReLUs in their producers) too.
            assertArrayEquals(vector.run(feed).get("fc").data(), oneShot.run(feed).get("fc").data());
        }
    }

    @Test
    void aOneShotModelWhosePassIsLongRunsTheVectorKernels() throws Exception {
        // 256 -> 256 channels, 3x3, on 256x256: 38.7 billion multiply-adds, beyond what the twins win on.
        Path net = Files.writeString(dir.resolve("long.prototxt"), """
                name: "long"
                input: "data" input_shape { dim: 1 dim: 256 dim: 256 dim: 256 }
                layer { name: "conv" type: "Convolution" bottom: "data" top: "out"
                        convolution_param { num_output: 256 kernel_size: 3 pad: 1 } }
                """);
        try (Model oneShot = Model.builder().files(net, null).oneShot(true).build()) {
            assertTrue(oneShot.describe().layers().get(oneShot.describe().layers().size() - 1).multiplyAdds()
                    > Model.ONE_SHOT_MAX_MULTIPLY_ADDS);
            assertEquals(Simd.kernels().twins(), oneShot.runsScalarTwins());
        }
    }
}
