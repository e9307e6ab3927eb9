package org.caffe4j.spi;

import org.caffe4j.CaffeModelException;
import org.caffe4j.MalformedModelException;
import org.caffe4j.proto.Caffe;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A plug-in through the Java API: found by ServiceLoader, with its own parameters and weights, in place, reshaped. */
class CustomLayerTest {
    /** out = x * scale + bias[c]: a per-channel weight blob and a parameter caffe.proto does not know. */
    public static final class ScaleAndBias implements CustomLayer {
        @Override
        public String type() {
            return "ScaleAndBias";
        }

        @Override
        public List<int[]> outputShapes(LayerParams params, List<int[]> inputShapes) {
            params.getFloat("scale_and_bias_param.scale");
            return List.of(inputShapes.get(0));
        }

        @Override
        public List<int[]> weightShapes(LayerParams params, List<int[]> inputShapes) {
            return List.of(new int[]{inputShapes.get(0)[1]});
        }

        @Override
        public void forward(LayerParams params, LayerCall call) {
            float scale = params.getFloat("scale_and_bias_param.scale");
            LayerBlob x = call.inputs().get(0), y = call.outputs().get(0);
            float[] bias = call.weights().get(0).data();
            int n = x.dim(0), c = x.dim(1), plane = x.count() / (n * c);
            call.forEach(n * c, task -> {
                for (int i = task * plane; i < (task + 1) * plane; i++) {
                    y.data()[i] = x.data()[i] * scale + bias[task % c];
                }
            });
        }

        @Override
        public boolean inPlace() {
            return true;
        }
    }

    private static final String NET = """
            name: "plug"
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 dim: 2 dim: 2 } } }
            layer { name: "sb" type: "ScaleAndBias" bottom: "data" top: "data"
                    scale_and_bias_param { scale: 3  # three
                                           note: 'kept, never read' } }
            layer { name: "relu" type: "ReLU" bottom: "data" top: "out" }
            """;

    @TempDir
    Path dir;
    private ClassLoader plugins;
    private Path weights;

    @BeforeEach
    void registerThePlugin() throws IOException {
        Path services = Files.createDirectories(dir.resolve("plugin/META-INF/services"));
        Files.writeString(services.resolve(CustomLayer.class.getName()), ScaleAndBias.class.getName() + "\n");
        plugins = new URLClassLoader(new java.net.URL[]{dir.resolve("plugin").toUri().toURL()},
                CustomLayerTest.class.getClassLoader());
        Caffe.NetParameter w = Caffe.NetParameter.newBuilder().addLayer(Caffe.LayerParameter.newBuilder()
                .setName("sb").setType("ScaleAndBias").addBlobs(Caffe.BlobProto.newBuilder()
                        .setShape(Caffe.BlobShape.newBuilder().addDim(2)).addData(1f).addData(-100f))).build();
        weights = dir.resolve("plug.caffemodel");
        Files.write(weights, w.toByteArray());
    }

    private Model load(String net) throws IOException {
        Path prototxt = Files.writeString(dir.resolve("plug.prototxt"), net);
        return Model.load(prototxt, weights, LoadOptions.defaults().withThreads(2).withPlugins(plugins));
    }

    @Test
    void runsWithItsParametersAndWeightsInPlaceAndReshaped() throws IOException {
        try (Model model = load(NET)) {
            Tensor out = model.run(new Tensor(new int[]{1, 2, 2, 2}, new float[]{1, 2, 3, 4, 5, 6, 7, 8}));
            assertArrayEquals(new float[]{4, 7, 10, 13, 0, 0, 0, 0}, out.data());
            // Another batch size reshapes the net, plug-in layer included.
            Tensor two = model.run(new Tensor(new int[]{2, 2, 2, 2},
                    new float[]{1, 1, 1, 1, 40, 40, 40, 40, 0, 0, 0, 0, 0, 0, 0, 0}));
            assertArrayEquals(new float[]{4, 4, 4, 4, 20, 20, 20, 20, 1, 1, 1, 1, 0, 0, 0, 0}, two.data());
        }
    }

    @Test
    void parametersAreCheckedAtLoadNamingFileLayerAndField() {
        MalformedModelException e = assertThrows(MalformedModelException.class,
                () -> load(NET.replace("scale: 3", "scale: three")));
        assertEquals(dir.resolve("plug.prototxt") + ": layer 'sb' (ScaleAndBias): scale_and_bias_param.scale = three is not"
                + " a number", e.getMessage());
        e = assertThrows(MalformedModelException.class, () -> load(NET.replace("scale: 3", "factor: 3")));
        assertTrue(e.getMessage().endsWith("layer 'sb' (ScaleAndBias): scale_and_bias_param.scale is missing"),
                e.getMessage());
    }

    @Test
    void unknownFieldsOutsidePluginLayersAreStillRefused() {
        String net = NET.replace("layer { name: \"relu\" type: \"ReLU\"", "layer { name: \"relu\" type: \"ReLU\" relu_param { cap: 6 }");
        MalformedModelException e = assertThrows(MalformedModelException.class, () -> load(net));
        assertTrue(e.getMessage().contains("ReLUParameter.cap") && !e.getMessage().contains("scale_and_bias_param"),
                e.getMessage());
    }

    @Test
    void withoutThePluginTheTypeIsUnknown() throws IOException {
        Path prototxt = Files.writeString(dir.resolve("plain.prototxt"), NET.replaceAll("(?s)scale_and_bias_param \\{.*?\\} ", ""));
        CaffeModelException e = assertThrows(CaffeModelException.class, () -> Model.load(prototxt, weights,
                LoadOptions.defaults().withPlugins(CustomLayerTest.class.getClassLoader())));
        assertTrue(e.getMessage().contains("ScaleAndBias"), e.getMessage());
    }

    @Test
    void theWeightsMustHaveThePluginsShape() throws IOException {
        Caffe.NetParameter w = Caffe.NetParameter.newBuilder().addLayer(Caffe.LayerParameter.newBuilder()
                .setName("sb").setType("ScaleAndBias").addBlobs(Caffe.BlobProto.newBuilder()
                        .setShape(Caffe.BlobShape.newBuilder().addDim(3)).addData(1f).addData(2f).addData(3f))).build();
        Files.write(weights, w.toByteArray());
        CaffeModelException e = assertThrows(CaffeModelException.class, () -> load(NET));
        assertTrue(e.getMessage().contains("layer 'sb' (ScaleAndBias)") && e.getMessage().contains("expected 2"),
                e.getMessage());
    }
}
