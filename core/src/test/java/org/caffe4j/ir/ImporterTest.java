package org.caffe4j.ir;

import org.caffe4j.runtime.ImportedInternals;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.ModelFiles;
import org.caffe4j.ops.registry.OpRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real files users hold, in every dialect, imported into the same checked graph. */
class ImporterTest {
    static final Path NIN = Path.of("testdata/nin_imagenet");

    static ModelFiles.Imported load(Path net, Path weights, LoadOptions options) throws Exception {
        return ModelFiles.importModel(net, weights, options);
    }

    static long totalParams(Graph g) {
        long n = 0;
        for (Node node : g.nodes()) {
            for (Shape s : OpRegistry.builtin().opOf(node).weightShapes(node.params(), node.inputs().stream().map(Value::shape).toList())) {
                n += s.count();
            }
        }
        return n;
    }

    static long totalMacs(Graph g) {
        long n = 0;
        for (Node node : g.nodes()) {
            n += OpRegistry.builtin().opOf(node).multiplyAdds(node.params(), node.inputs().stream().map(Value::shape).toList(),
                    node.outputs().stream().map(Value::shape).toList());
        }
        return n;
    }

    @Test
    void originalNinTrainValBecomesDeployNetWithCaffeShapes() throws Exception {
        Graph g = ImportedInternals.graph(load(NIN.resolve("train_val.prototxt"), null, LoadOptions.defaults()));
        assertEquals(1, g.inputs().size());
        assertEquals("data", g.inputs().get(0).blob());
        assertEquals(Shape.of(1, 3, 224, 224), g.inputs().get(0).shape());
        assertEquals(1, g.outputs().size());
        assertEquals("pool4", g.outputs().get(0).blob());
        assertEquals(Shape.of(1, 1000, 1, 1), g.outputs().get(0).shape());
        // The spatial chain 224 -> 54 -> 27 -> 27 -> 13 -> 13 -> 6 -> 6 -> 1.
        Map<String, Value> f = g.finalValues();
        int[] expected = {54, 54, 27, 27, 13, 13, 6, 6, 1};
        String[] blobs = {"conv1", "cccp2", "pool0", "cccp4", "pool2", "cccp6", "pool3", "cccp8", "pool4"};
        for (int i = 0; i < blobs.length; i++) {
            assertEquals(expected[i], f.get(blobs[i]).shape().dim(2), blobs[i]);
        }
        assertEquals(7_595_176L, totalParams(g));
        assertEquals(1_100_188_800L, totalMacs(g));
        // Layer names differ from blob names: layer conv4-1024 writes blob conv4.
        Node conv4 = g.nodes().stream().filter(n -> n.name().equals("conv4-1024")).findFirst().orElseThrow();
        assertEquals("conv4", conv4.outputs().get(0).blob());
        assertTrue(g.nodes().stream().noneMatch(n -> n.type().equals("Accuracy") || n.type().equals("Data")));
    }

    @Test
    void inPlaceLayersGetNewVersionsAndTheLastVersionIsTheBlobsValue() throws Exception {
        Graph g = ImportedInternals.graph(load(NIN.resolve("train_val.prototxt"), null, LoadOptions.defaults()));
        Node conv1 = g.nodes().get(1);
        Node relu0 = g.nodes().get(2);
        assertEquals("relu0", relu0.name());
        assertEquals(conv1.outputs().get(0), relu0.inputs().get(0));
        assertFalse(conv1.outputs().get(0).id().equals(relu0.outputs().get(0).id()));
        assertEquals(relu0.outputs().get(0), g.finalValues().get("conv1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"variants/train_val_v2_handconverted.prototxt", "variants/deploy_v2_input_layer.prototxt",
            "variants/deploy_v2_with_softmax.prototxt"})
    void everyCirculatingNinVariantGivesTheSameNet(String file) throws Exception {
        Graph g = ImportedInternals.graph(load(NIN.resolve(file), null, LoadOptions.defaults().withBatch(2)));
        assertEquals(Shape.of(2, 3, 224, 224), g.inputs().get(0).shape());
        assertEquals(7_595_176L, totalParams(g));
        assertEquals(2 * 1_100_188_800L, totalMacs(g));
        Value out = g.outputs().get(0);
        assertEquals(Shape.of(2, 1000, 1, 1), out.shape());
    }

    @Test
    void legacyInputDimsBecomeAnInputLayerWithTheDeclaredBatch() throws Exception {
        Graph g = ImportedInternals.graph(load(NIN.resolve("variants/deploy_v2_with_softmax.prototxt"), null,
                LoadOptions.defaults()));
        assertEquals("Input", g.nodes().get(0).type());
        assertEquals(Shape.of(100, 3, 224, 224), g.inputs().get(0).shape());
        assertEquals("prob", g.outputs().get(0).blob());
    }

    @Test
    void forkFieldsAreRejectedByNameAndLineUnlessIgnored() throws Exception {
        Path f = NIN.resolve("variants/train_val_v2_unknown_fields.prototxt");
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.caffe4j.MalformedModelException.class,
                () -> load(f, null, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("TransformationParameter.resize_size (line 16, column 9)"), e.getMessage());
        assertTrue(e.getMessage().contains("--ignore-unknown-fields"), e.getMessage());
        ModelFiles.Imported ok = load(f, null, LoadOptions.defaults().withIgnoreUnknownFields(true));
        assertEquals(7_595_176L, totalParams(ImportedInternals.graph(ok)));
        assertTrue(ok.notes().stream().anyMatch(n -> n.contains("ignored unknown field DataParameter.selective_list")));
    }

    @Test
    void ninCifarTrainValNeedsAnInputShapeAndTurnsItsLossIntoSoftmax() throws Exception {
        Path f = Path.of("testdata/nin_cifar10/train_val.prototxt");
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.caffe4j.MalformedModelException.class,
                () -> load(f, null, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("layer 'cifar' (Data): transform_param.crop_size"), e.getMessage());
        Graph g = ImportedInternals.graph(load(f, null,
                LoadOptions.defaults().withInputShapes(Map.of("data", new int[]{1, 3, 32, 32}))));
        Node last = g.nodes().get(g.nodes().size() - 1);
        assertEquals("Softmax", last.type());
        assertEquals(List.of(Shape.of(1, 10, 1, 1)), g.outputs().stream().map(Value::shape).toList());
    }

    @Test
    void v2CaffemodelWeightsBindByLayerNameAndTrainOnlyLayersAreIgnored() throws Exception {
        ModelFiles.Imported m = load(Path.of("testdata/lenet_mnist/lenet.prototxt"),
                Path.of("testdata/lenet_mnist/lenet_iter_10000.caffemodel"), LoadOptions.defaults());
        Node conv1 = ImportedInternals.graph(m).nodes().stream().filter(n -> n.name().equals("conv1")).findFirst().orElseThrow();
        assertEquals(Shape.of(20, 1, 5, 5), conv1.weights().get(0).shape());
        assertFalse(conv1.weights().get(0).legacy4d());
        // The snapshot holds the TRAIN net: its data and loss layers are not in the deploy net.
        assertTrue(m.notes().stream().anyMatch(n -> n.contains("ignored") && n.contains("loss")), m.notes().toString());
    }

    @Test
    void v1CaffemodelWithLegacyFourDimensionalBlobsBinds() throws Exception {
        ModelFiles.Imported m = load(Path.of("testdata/cifar10_quick/cifar10_quick.prototxt"),
                Path.of("testdata/cifar10_quick/cifar10_quick_iter_5000.caffemodel"), LoadOptions.defaults());
        Node ip1 = ImportedInternals.graph(m).nodes().stream().filter(n -> n.name().equals("ip1")).findFirst().orElseThrow();
        assertTrue(ip1.weights().get(0).legacy4d());
        assertEquals(Shape.of(1, 1, 64, 1024), ip1.weights().get(0).shape());
        assertEquals(Shape.of(1, 1, 1, 64), ip1.weights().get(1).shape());
        assertEquals(Shape.of(1, 10), ImportedInternals.graph(m).outputs().get(0).shape());
    }
}
