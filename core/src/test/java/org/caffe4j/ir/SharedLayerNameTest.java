package org.caffe4j.ir;

import org.caffe4j.MalformedModelException;
import org.caffe4j.proto.Caffe;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several layers of one name: each takes the caffemodel layer of that name in order, or all share the only one
 * (OpenCV's importer; its Test_Caffe.shared_weights).
 */
class SharedLayerNameTest {
    /** OpenCV's testdata/dnn/layers/shared_weights.prototxt without its fillers (training-only fields). */
    private static final String SHARED_WEIGHTS = """
            name: "TestSharedWeights"
            input: "input_1"
            input_shape { dim: 1 dim: 1 dim: 2 dim: 2 }
            input: "input_2"
            input_shape { dim: 1 dim: 1 dim: 2 dim: 2 }
            layer { name: "conv" type: "Convolution" bottom: "input_1" top: "conv_1"
              convolution_param { num_output: 1 kernel_h: 1 kernel_w: 1 } }
            layer { name: "conv" type: "Convolution" bottom: "input_2" top: "conv_2"
              convolution_param { num_output: 1 kernel_h: 1 kernel_w: 1 } }
            layer { name: "sum" type: "InnerProduct" bottom: "conv_1" top: "sum_1" inner_product_param { num_output: 1 } }
            layer { name: "sum" type: "InnerProduct" bottom: "conv_2" top: "sum_2" inner_product_param { num_output: 1 } }
            layer { name: "concat" type: "Concat" bottom: "sum_1" bottom: "sum_2" top: "sum" }
            """;

    private static final Map<String, Tensor> INPUTS = Map.of(
            "input_1", new Tensor(new int[]{1, 1, 2, 2}, new float[]{0, 2, 4, 6}),
            "input_2", new Tensor(new int[]{1, 1, 2, 2}, new float[]{1, 3, 5, 7}));

    private static Caffe.BlobProto blob(float[] values, int... dims) {
        Caffe.BlobProto.Builder b = Caffe.BlobProto.newBuilder();
        for (int d : dims) {
            b.getShapeBuilder().addDim(d);
        }
        for (float v : values) {
            b.addData(v);
        }
        return b.build();
    }

    /** A conv entry (1x1 weight w, bias b) per element of convs, and an all-ones InnerProduct per element of sums. */
    private static byte[] caffemodel(float[][] convs, float[] sumBiases) {
        Caffe.NetParameter.Builder net = Caffe.NetParameter.newBuilder();
        for (float[] c : convs) {
            net.addLayerBuilder().setName("conv").addBlobs(blob(new float[]{c[0]}, 1, 1, 1, 1))
                    .addBlobs(blob(new float[]{c[1]}, 1));
        }
        for (float b : sumBiases) {
            net.addLayerBuilder().setName("sum").addBlobs(blob(new float[]{1, 1, 1, 1}, 1, 4))
                    .addBlobs(blob(new float[]{b}, 1));
        }
        return net.build().toByteArray();
    }

    private static float[] run(String prototxt, byte[] weights, Map<String, Tensor> inputs, String output) {
        try (Model m = Model.load(new ByteArrayInputStream(prototxt.getBytes(StandardCharsets.UTF_8)),
                weights == null ? null : new ByteArrayInputStream(weights), LoadOptions.defaults().withThreads(2))) {
            return m.run(inputs).get(output).data();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void openCvSharedWeightsTestGivesItsSums() {
        // Caffe saves a layer per name occurrence; with weights 1 and bias 0 both sum their inputs: 12 and 16.
        byte[] w = caffemodel(new float[][]{{1, 0}, {1, 0}}, new float[]{0, 0});
        assertArrayEquals(new float[]{12, 16}, run(SHARED_WEIGHTS, w, INPUTS, "sum"));
    }

    @Test
    void layersOfOneNameTakeTheCaffemodelLayersOfThatNameInOrder() {
        // conv_1 = 2x + 0.5 summed = 26; conv_2 = 10x summed = 160, plus the second sum's bias 100 (OpenCV 4.6 agrees).
        byte[] w = caffemodel(new float[][]{{2, 0.5f}, {10, 0}}, new float[]{0, 100});
        assertArrayEquals(new float[]{26, 260}, run(SHARED_WEIGHTS, w, INPUTS, "sum"));
    }

    @Test
    void oneCaffemodelLayerIsSharedByEveryLayerOfItsName() {
        // 2x + 0.5 summed: 26 for input_1 and 34 for input_2.
        byte[] w = caffemodel(new float[][]{{2, 0.5f}}, new float[]{0});
        assertArrayEquals(new float[]{26, 34}, run(SHARED_WEIGHTS, w, INPUTS, "sum"));
    }

    @Test
    void anotherCountOfCaffemodelLayersIsRefusedNamingTheLayer() {
        String three = SHARED_WEIGHTS.replace("layer { name: \"sum\" type: \"InnerProduct\" bottom: \"conv_1\"",
                "layer { name: \"conv\" type: \"Convolution\" bottom: \"input_1\" top: \"conv_3\" "
                        + "convolution_param { num_output: 1 kernel_size: 1 } }\n"
                        + "layer { name: \"sum\" type: \"InnerProduct\" bottom: \"conv_1\"");
        byte[] w = caffemodel(new float[][]{{1, 0}, {1, 0}}, new float[]{0, 0});
        MalformedModelException e = assertThrows(MalformedModelException.class,
                () -> run(three, w, INPUTS, "sum"));
        assertTrue(e.getMessage().contains("layer 'conv' (Convolution): name: 3 layers"), e.getMessage());
    }

    @Test
    void inPlaceLayersOfOneNameOnOneBlobEachApply() {
        String net = """
                layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 1 dim: 3 } } }
                layer { name: "add" type: "Power" bottom: "x" top: "x" power_param { shift: 1 } }
                layer { name: "add" type: "Power" bottom: "x" top: "x" power_param { shift: 1 } }
                layer { name: "add" type: "Power" bottom: "x" top: "x" power_param { scale: 2 } }
                """;
        Map<String, Tensor> in = Map.of("x", new Tensor(new int[]{1, 3}, new float[]{0, 1, -4}));
        assertArrayEquals(new float[]{4, 6, -4}, run(net, null, in, "x"));
    }
}
