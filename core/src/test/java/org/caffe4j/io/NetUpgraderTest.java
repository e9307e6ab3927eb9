package org.caffe4j.io;

import org.caffe4j.MalformedModelException;
import org.caffe4j.proto.Caffe;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Caffe's upgrade chain and deploy derivation on tiny fixtures, old form in, expected V2 out. */
class NetUpgraderTest {
    static Caffe.NetParameter parse(String text) {
        return NetReader.parseText(text, "fixture.prototxt", NetReader.TextOptions.STRICT, new ArrayList<>()).net();
    }

    static Caffe.NetParameter upgrade(String text) {
        return NetUpgrader.upgrade(parse(text), "fixture.prototxt");
    }

    @Test
    void v1LayersBecomeV2WithTypeStringsParamsAndSubMessages() {
        Caffe.NetParameter net = upgrade("""
                name: "v1"
                layers { name: "conv" type: CONVOLUTION bottom: "data" top: "conv"
                  blobs_lr: 1 blobs_lr: 2 weight_decay: 1 weight_decay: 0
                  convolution_param { num_output: 4 kernel_size: 3 } }
                layers { name: "loss" type: SOFTMAX_LOSS bottom: "conv" bottom: "label" top: "loss" }
                """);
        assertEquals(0, net.getLayersCount());
        Caffe.LayerParameter conv = net.getLayer(0);
        assertEquals("Convolution", conv.getType());
        assertEquals(2, conv.getParamCount());
        assertEquals(2f, conv.getParam(1).getLrMult());
        assertEquals(0f, conv.getParam(1).getDecayMult());
        assertEquals(4, conv.getConvolutionParam().getNumOutput());
        assertEquals("SoftmaxWithLoss", net.getLayer(1).getType());
    }

    @Test
    void v0NetWithPaddingLayerIsFoldedAndUpgraded() {
        Caffe.NetParameter net = upgrade("""
                name: "v0"
                input: "data" input_dim: 1 input_dim: 3 input_dim: 8 input_dim: 8
                layers { layer { name: "pad1" type: "padding" pad: 2 } bottom: "data" top: "pad1" }
                layers { layer { name: "conv1" type: "conv" num_output: 5 kernelsize: 3 stride: 2 biasterm: false } bottom: "pad1" top: "conv1" }
                layers { layer { name: "pool1" type: "pool" pool: AVE kernelsize: 2 stride: 2 } bottom: "conv1" top: "pool1" }
                layers { layer { name: "norm1" type: "lrn" local_size: 3 alpha: 0.5 beta: 0.75 } bottom: "pool1" top: "norm1" }
                """);
        assertEquals(4, net.getLayerCount());
        assertEquals("Input", net.getLayer(0).getType());
        Caffe.LayerParameter conv = net.getLayer(1);
        assertEquals("conv1", conv.getName());
        assertEquals("data", conv.getBottom(0));
        assertEquals(List.of(2), conv.getConvolutionParam().getPadList());
        assertEquals(List.of(3), conv.getConvolutionParam().getKernelSizeList());
        assertFalse(conv.getConvolutionParam().getBiasTerm());
        assertEquals(Caffe.PoolingParameter.PoolMethod.AVE, net.getLayer(2).getPoolingParam().getPool());
        assertEquals(3, net.getLayer(3).getLrnParam().getLocalSize());
    }

    @Test
    void legacyDataFieldsMoveToTransformParam() {
        Caffe.NetParameter net = upgrade("""
                layers { name: "d" type: DATA top: "data" top: "label"
                  data_param { source: "x" batch_size: 4 crop_size: 227 mirror: true scale: 0.5 mean_file: "m" } }
                """);
        Caffe.TransformationParameter t = net.getLayer(0).getTransformParam();
        assertEquals(227, t.getCropSize());
        assertTrue(t.getMirror());
        assertEquals(0.5f, t.getScale());
        assertEquals("m", t.getMeanFile());
        assertFalse(net.getLayer(0).getDataParam().hasCropSize());
    }

    @Test
    void legacyInputShapeBecomesInputLayer() {
        Caffe.NetParameter net = upgrade("""
                input: "a" input_shape { dim: 2 dim: 5 }
                input: "b" input_shape { dim: 2 dim: 7 }
                layer { name: "c" type: "Concat" bottom: "a" bottom: "b" top: "c" }
                """);
        Caffe.LayerParameter in = net.getLayer(0);
        assertEquals("Input", in.getType());
        assertEquals(List.of("a", "b"), in.getTopList());
        assertEquals(List.of(2L, 7L), in.getInputParam().getShape(1).getDimList());
        assertEquals(0, net.getInputCount());
    }

    @Test
    void batchNormParamsAreFrozen() {
        Caffe.NetParameter net = upgrade("""
                layer { name: "bn" type: "BatchNorm" bottom: "x" top: "x" param { lr_mult: 1 } param { lr_mult: 1 } param { lr_mult: 1 } }
                """);
        for (Caffe.ParamSpec p : net.getLayer(0).getParamList()) {
            assertEquals(0f, p.getLrMult());
            assertEquals(0f, p.getDecayMult());
        }
    }

    @Test
    void mixingLayersAndLayerIsRejected() {
        var e = assertThrows(MalformedModelException.class, () -> upgrade("""
                layers { name: "a" type: RELU bottom: "x" top: "x" }
                layer { name: "b" type: "ReLU" bottom: "x" top: "x" }
                """));
        assertTrue(e.getMessage().contains("fixture.prototxt") && e.getMessage().contains("'layers'")
                && e.getMessage().contains("'layer'"), e.getMessage());
    }

    @Test
    void phaseLevelAndStageRulesFollowCaffe() {
        Caffe.NetParameter net = upgrade("""
                layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 1 dim: 2 } } }
                layer { name: "train_only" type: "ReLU" bottom: "x" top: "x" include { phase: TRAIN } }
                layer { name: "test_only" type: "ReLU" bottom: "x" top: "x" include { phase: TEST } }
                layer { name: "not_test" type: "ReLU" bottom: "x" top: "x" exclude { phase: TEST } }
                layer { name: "deep" type: "ReLU" bottom: "x" top: "x" include { min_level: 2 } }
                layer { name: "staged" type: "ReLU" bottom: "x" top: "x" include { stage: "deploy" } }
                layer { name: "unstaged" type: "ReLU" bottom: "x" top: "x" include { not_stage: "deploy" } }
                """);
        List<String> plain = names(DeployDeriver.derive(net, DeployDeriver.Options.defaults(), "f").net());
        assertEquals(List.of("in", "test_only", "unstaged"), plain);
        List<String> staged = names(DeployDeriver.derive(net,
                DeployDeriver.Options.defaults().withPhase(Caffe.Phase.TEST, 3, List.of("deploy")), "f").net());
        assertEquals(List.of("in", "test_only", "deep", "staged"), staged);
    }

    @Test
    void dataLayerBecomesInputAndLabelConsumersAreDropped() {
        Caffe.NetParameter net = upgrade("""
                layer { name: "data" type: "ImageData" top: "data" top: "label"
                  image_data_param { source: "list.txt" new_height: 40 new_width: 30 is_color: false } }
                layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" inner_product_param { num_output: 3 } }
                layer { name: "split_label" type: "Split" bottom: "label" top: "l1" top: "l2" }
                layer { name: "acc" type: "Accuracy" bottom: "ip" bottom: "l1" top: "acc" }
                layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "l2" top: "loss" }
                """);
        DeployDeriver.Result r = DeployDeriver.derive(net, DeployDeriver.Options.defaults().withBatch(5), "f");
        Caffe.NetParameter d = r.net();
        assertEquals(List.of("data", "ip", "loss"), names(d));
        assertEquals(List.of(5L, 1L, 40L, 30L), d.getLayer(0).getInputParam().getShape(0).getDimList());
        assertEquals("Softmax", d.getLayer(2).getType());
        assertEquals(List.of("ip"), d.getLayer(2).getBottomList());
    }

    private static List<String> names(Caffe.NetParameter net) {
        return net.getLayerList().stream().map(Caffe.LayerParameter::getName).toList();
    }
}
