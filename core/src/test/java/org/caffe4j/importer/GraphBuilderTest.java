package org.caffe4j.importer;

import org.caffe4j.runtime.ImportedInternals;
import org.caffe4j.ir.Graph;
import org.caffe4j.ir.Shape;
import org.caffe4j.ir.Value;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.ModelFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The graph keeps no raw layers: node i is layer i of the deploy net, which reshaping reads. */
class GraphBuilderTest {
    private static final Path NIN = Path.of("testdata/nin_imagenet/train_val.prototxt");

    @Test
    void nodeIIsDeployLayerI() throws Exception {
        ModelFiles.Imported imported = ModelFiles.importModel(NIN, null, LoadOptions.defaults());
        List<String> nodes = ImportedInternals.graph(imported).nodes().stream().map(n -> n.name() + "/" + n.type()).toList();
        List<String> layers = ImportedInternals.deploy(imported).getLayerList().stream().map(l -> l.getName() + "/" + l.getType()).toList();
        assertTrue(nodes.size() > 10, nodes.toString());
        assertEquals(layers, nodes);
    }

    @Test
    void reshapeGivesTheShapesOfAFreshImport() throws Exception {
        ModelFiles.Imported imported = ModelFiles.importModel(NIN, null, LoadOptions.defaults());
        Value input = ImportedInternals.graph(imported).inputs().get(0);
        Shape batch3 = input.shape().withDim(0, 3);
        Graph fresh = ImportedInternals.graph(ModelFiles.importModel(NIN, null,
                LoadOptions.defaults().withInputShapes(Map.of(input.blob(), batch3.dims()))));
        Graph reshaped = GraphBuilder.reshape(ImportedInternals.ops(imported), ImportedInternals.graph(imported), ImportedInternals.deploy(imported).getLayerList(),
                Map.of(input.blob(), batch3));
        assertEquals(shapes(fresh), shapes(reshaped));
        assertEquals(3, reshaped.outputs().get(0).shape().dim(0));
    }

    @Test
    void reshapeRefusesLayersOfAnotherNet() throws Exception {
        ModelFiles.Imported imported = ModelFiles.importModel(NIN, null, LoadOptions.defaults());
        List<org.caffe4j.proto.Caffe.LayerParameter> shifted = ImportedInternals.deploy(imported).getLayerList()
                .subList(1, ImportedInternals.deploy(imported).getLayerCount());
        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                () -> GraphBuilder.reshape(ImportedInternals.ops(imported), ImportedInternals.graph(imported), shifted, Map.of()));
        assertTrue(tooFew.getMessage().contains("layers were given"), tooFew.getMessage());
    }

    private static List<String> shapes(Graph g) {
        return g.nodes().stream().flatMap(n -> n.outputs().stream()).map(Value::toString).toList();
    }
}
