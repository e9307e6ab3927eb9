package org.caffe4j.ir;

import org.caffe4j.CaffeModelException;
import org.caffe4j.ops.registry.OpRegistry;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every layer type, with no bottoms, no tops or too many of either, either loads and runs or fails with a
 * CaffeModelException naming the file and the layer: never an index error from inside the importer.
 */
@Timeout(60)
class LayerArityBadInputTest {
    @TempDir
    Path dir;

    private static final String INPUT = """
            layer { name: "in" type: "Input" top: "data" top: "other"
                    input_param { shape { dim: 1 dim: 2 dim: 4 dim: 4 } shape { dim: 1 dim: 2 dim: 4 dim: 4 } } }
            """;

    /** The registry's types plus the training-only types the deploy deriver rewrites or drops. */
    private static List<String> types() {
        TreeSet<String> types = new TreeSet<>(OpRegistry.builtin().types());
        types.addAll(List.of("SoftmaxWithLoss", "Accuracy", "EuclideanLoss", "Silence", "Data", "ImageData",
                "MemoryData", "DummyData", "HDF5Data"));
        return new ArrayList<>(types);
    }

    @Test
    void missingOrExtraBottomsAndTopsNameTheLayer() throws Exception {
        String[] wirings = {
                "",                                                   // no bottom, no top
                "top: \"y\"",                                         // no bottom
                "bottom: \"data\"",                                   // no top
                "bottom: \"data\" bottom: \"other\" bottom: \"data\" top: \"y\"",
                "bottom: \"data\" top: \"y\" top: \"z\" top: \"w\"",
        };
        List<String> problems = new ArrayList<>();
        for (String type : types()) {
            for (String wiring : wirings) {
                for (boolean addSoftmax : new boolean[]{false, true}) {
                    String net = INPUT + "layer { name: \"x\" type: \"" + type + "\" " + wiring + " }\n";
                    String problem = check(net, addSoftmax, type);
                    if (problem != null) {
                        problems.add(type + " [" + wiring + "] softmax=" + addSoftmax + ": " + problem);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " case(s) failed:\n" + String.join("\n", problems));
        }
    }

    /** Null when the net loads and runs, or fails cleanly; else what went wrong. */
    private String check(String net, boolean addSoftmax, String type) throws Exception {
        Path p = dir.resolve("net.prototxt");
        Files.writeString(p, net, StandardCharsets.UTF_8);
        try (Model m = Model.load(p, null, LoadOptions.defaults().withAddSoftmax(addSoftmax))) {
            Map<String, Tensor> in = Map.of("data", new Tensor(new int[]{1, 2, 4, 4}, new float[32]),
                    "other", new Tensor(new int[]{1, 2, 4, 4}, new float[32]));
            m.run(in);
            return null;
        } catch (CaffeModelException e) {
            String msg = e.getMessage();
            boolean namesLayer = msg.contains("layer 'x' (") || msg.contains("layer 'prob' (")
                    || msg.contains("layer(s) 'x' (" + type + ")");
            return msg.contains("net.prototxt") && namesLayer ? null : "message lacks file or layer: " + msg;
        } catch (RuntimeException e) {
            return e.toString();
        }
    }
}
