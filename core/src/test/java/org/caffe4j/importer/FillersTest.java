package org.caffe4j.importer;

import org.caffe4j.MalformedModelException;
import org.caffe4j.proto.Caffe;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A layer the caffemodel lacks runs with its deterministic fillers, as in Caffe; anything else is refused. */
class FillersTest {
    private static final String INPUT = "layer { name: \"in\" type: \"Input\" top: \"x\" "
            + "input_param { shape { dim: 1 dim: 2 dim: 1 dim: 2 } } }\n";

    /** A caffemodel holding only an unrelated layer. */
    private static byte[] otherCaffemodel() {
        return Caffe.NetParameter.newBuilder().addLayer(Caffe.LayerParameter.newBuilder().setName("elsewhere"))
                .build().toByteArray();
    }

    private static Model load(String layers) throws IOException {
        return Model.load(new ByteArrayInputStream((INPUT + layers).getBytes(StandardCharsets.UTF_8)),
                new ByteArrayInputStream(otherCaffemodel()), LoadOptions.defaults());
    }

    @Test
    void flowNetsDiagonalScaleConvolution() throws IOException {
        // FlowNet 2.0's deploy nets end with this layer, which no caffemodel holds.
        try (Model m = load("layer { name: \"scale_conv1\" type: \"Convolution\" bottom: \"x\" top: \"y\" "
                + "convolution_param { num_output: 2 kernel_size: 1 weight_filler { type: \"diagonal\" "
                + "diag_val: 2 diag_val: 3 } bias_filler { type: \"constant\" value: 0.5 } } }")) {
            Tensor y = m.run(Map.of("x", new Tensor(new int[]{1, 2, 1, 2}, new float[]{1, 2, 3, 4}))).get("y");
            assertArrayEquals(new float[]{2.5f, 4.5f, 9.5f, 12.5f}, y.data());
            assertTrue(m.notes().stream().anyMatch(n -> n.contains("scale_conv1") && n.contains("fillers")),
                    m.notes().toString());
        }
    }

    @Test
    void bilinearDeconvolutionAsCaffesFiller() throws IOException {
        try (Model m = load("layer { name: \"up\" type: \"Deconvolution\" bottom: \"x\" top: \"y\" "
                + "convolution_param { num_output: 2 group: 2 kernel_size: 4 stride: 2 bias_term: false "
                + "weight_filler { type: \"bilinear\" } } }")) {
            Tensor y = m.run(Map.of("x", new Tensor(new int[]{1, 2, 1, 2}, new float[]{1, 0, 0, 0}))).get("y");
            // Kernel 4: f = 2, c = 0.75, weights 0.25 0.75 0.75 0.25 per axis; one input pixel stamps the kernel.
            float[] k = {0.25f, 0.75f, 0.75f, 0.25f};
            float[] row0 = new float[6];
            for (int i = 0; i < 4; i++) {
                row0[i] = k[0] * k[i];
            }
            assertArrayEquals(new int[]{1, 2, 4, 6}, y.shape());
            assertArrayEquals(row0, java.util.Arrays.copyOfRange(y.data(), 0, 6));
            assertArrayEquals(new float[6], java.util.Arrays.copyOfRange(y.data(), 24, 30));
        }
    }

    @Test
    void randomOrMissingFillersAreRefused() {
        MalformedModelException random = assertThrows(MalformedModelException.class, () -> load(
                "layer { name: \"c\" type: \"Convolution\" bottom: \"x\" top: \"y\" "
                        + "convolution_param { num_output: 2 kernel_size: 1 weight_filler { type: \"msra\" } } }"));
        assertTrue(random.getMessage().contains("layer 'c'") && random.getMessage().contains("'msra'"),
                random.getMessage());
        MalformedModelException none = assertThrows(MalformedModelException.class, () -> load(
                "layer { name: \"c\" type: \"InnerProduct\" bottom: \"x\" top: \"y\" "
                        + "inner_product_param { num_output: 2 } }"));
        assertTrue(none.getMessage().contains("no weight_filler"), none.getMessage());
    }
}
