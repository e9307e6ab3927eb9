package org.caffe4j.runtime;

import org.caffe4j.io.DeployDeriver;
import org.caffe4j.io.CaffemodelSource;
import org.caffe4j.io.NetReader;
import org.caffe4j.io.NetUpgrader;
import com.google.protobuf.TextFormat;
import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Graph;
import org.caffe4j.ir.Node;
import org.caffe4j.ir.Value;
import org.caffe4j.importer.GraphBuilder;
import org.caffe4j.ir.Shape;
import org.caffe4j.ops.OpDefinition;
import org.caffe4j.ops.registry.OpRegistry;
import org.caffe4j.proto.Caffe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The importer's front door: reads a net definition (any dialect) and optional weights, upgrades both to V2,
 * derives the deploy net, and builds the checked graph.
 */
public final class ModelFiles {
    private ModelFiles() {
    }

    /** The normalized definition and what the importer did to get it. */
    /**
     * @param ops the layer types the graph was built with: its nodes' ops are looked up there by type
     */
    public static final class Imported {
        private final Caffe.NetParameter deploy;
        private final Graph graph;
        private final OpRegistry ops;
        private final List<String> notes;

        /**
         * Keeps no caffemodel message: the graph holds the decoded weights, and the message's bytes (as large as the
         * file) become garbage as soon as the graph is built.
         */
        Imported(Caffe.NetParameter deploy, Graph graph, OpRegistry ops, List<String> notes) {
            this.deploy = deploy;
            this.graph = graph;
            this.ops = ops;
            this.notes = List.copyOf(notes);
        }

        /** The V2 deploy net (internal: the protobuf form). */
        Caffe.NetParameter deploy() {
            return deploy;
        }

        /** The internal graph; users see it through {@link #describe()}. */
        Graph graph() {
            return graph;
        }

        /** The op registry the graph was built with (built-ins and plug-ins). */
        OpRegistry ops() {
            return ops;
        }

        /** What the importer changed or ignored (upgrades, dropped layers, unknown caffemodel layers). */
        public List<String> notes() {
            return notes;
        }

        /** The V2 deploy net as prototxt text: what Caffe's upgrade_net_proto_text writes, for any input dialect. */
        public String deployPrototxt() {
            return TextFormat.printer().printToString(deploy);
        }

        /** The net's layers, shapes, parameter counts and multiply-adds, as read-only values. */
        public NetInfo describe() {
            return ModelFiles.describe(graph, ops, notes);
        }

        /** A V2 caffemodel holding just the deploy net's weights, with explicit blob shapes (upgrade_net_proto_binary). */
        public byte[] deployCaffemodel() {
            return weightsOf(this).toByteArray();
        }

        /** A V2 NetParameter with one layer per deploy layer that has weights, blobs in explicit (non-legacy) shapes. */
        private static Caffe.NetParameter weightsOf(Imported imported) {
            Caffe.NetParameter.Builder b = Caffe.NetParameter.newBuilder().setName(imported.deploy().getName());
            List<Node> nodes = imported.graph().nodes();
            for (int index = 0; index < nodes.size(); index++) {
                Node n = nodes.get(index);
                if (n.weights().isEmpty()) {
                    continue;
                }
                Caffe.LayerParameter layer = imported.deploy().getLayer(index); // node i is deploy layer i
                Caffe.LayerParameter.Builder l = Caffe.LayerParameter.newBuilder().setName(n.name()).setType(n.type())
                        .addAllBottom(layer.getBottomList()).addAllTop(layer.getTopList());
                List<Shape> expected = imported.ops().opOf(n).weightShapes(n.params(), n.inputs().stream().map(Value::shape).toList());
                for (int i = 0; i < n.weights().size(); i++) {
                    Caffe.BlobProto.Builder blob = Caffe.BlobProto.newBuilder();
                    Caffe.BlobShape.Builder shape = Caffe.BlobShape.newBuilder();
                    for (int d : (i < expected.size() ? expected.get(i) : n.weights().get(i).shape()).dims()) {
                        shape.addDim(d);
                    }
                    blob.setShape(shape);
                    for (float v : n.weights().get(i).data()) {
                        blob.addData(v);
                    }
                    l.addBlobs(blob);
                }
                b.addLayer(l);
            }
            return b.build();
        }
    }

    /** A net's layers, shapes, parameter counts and multiply-adds, as read-only values. */
    static NetInfo describe(Graph graph, OpRegistry ops, List<String> notes) {
        List<LayerInfo> layers = new ArrayList<>();
        for (Node n : graph.nodes()) {
            List<Shape> in = n.inputs().stream().map(Value::shape).toList();
            List<Shape> out = n.outputs().stream().map(Value::shape).toList();
            OpDefinition<Object> op = ops.opOf(n);
            List<Shape> weightShapes = n.weights().isEmpty() ? op.weightShapes(n.params(), in)
                    : n.weights().stream().map(Blob::shape).toList();
            long parameters = weightShapes.stream().mapToLong(Shape::count).sum();
            layers.add(new LayerInfo(n.name(), n.type(), n.inputs().stream().map(Value::blob).toList(),
                    n.outputs().stream().map(Value::blob).toList(), n.outputs().stream().map(ModelFiles::info).toList(),
                    parameters, op.multiplyAdds(n.params(), in, out)));
        }
        return new NetInfo(graph.name(), graph.inputs().stream().map(ModelFiles::info).toList(),
                graph.outputs().stream().map(ModelFiles::info).toList(), layers, notes);
    }

    static BlobInfo info(Value v) {
        return new BlobInfo(v.blob(), java.util.Arrays.stream(v.shape().dims()).boxed().toList());
    }

    public static Imported importModel(Path prototxt, Path caffemodel, LoadOptions options) throws IOException {
        WeightsRead weights = caffemodel == null ? null : WeightsRead.start(() -> NetReader.readCaffemodel(caffemodel));
        List<String> notes = new ArrayList<>();
        OpRegistry ops = OpRegistry.withPlugins(options.pluginLoader());
        NetReader.ParsedText net;
        try {
            net = NetReader.readPrototxtText(prototxt,
                    new NetReader.TextOptions(options.ignoreUnknownFields(), ops.customTypes()), notes);
        } catch (IOException | RuntimeException | Error e) {
            WeightsRead.abandon(weights);
            throw e;
        }
        return build(net, prototxt.toString(), WeightsRead.await(weights),
                caffemodel == null ? null : caffemodel.toString(),
                caffemodel == null ? null : new CaffemodelSource(caffemodel, caffemodel.toString()), options, ops, notes);
    }

    public static Imported importModel(InputStream prototxt, String prototxtName, InputStream caffemodel,
                                       String caffemodelName, LoadOptions options) throws IOException {
        WeightsRead weights = caffemodel == null ? null
                : WeightsRead.start(() -> NetReader.readCaffemodel(caffemodel, caffemodelName));
        List<String> notes = new ArrayList<>();
        OpRegistry ops = OpRegistry.withPlugins(options.pluginLoader());
        NetReader.ParsedText net;
        try {
            net = NetReader.readPrototxtText(prototxt, prototxtName,
                    new NetReader.TextOptions(options.ignoreUnknownFields(), ops.customTypes()), notes);
        } catch (IOException | RuntimeException | Error e) {
            WeightsRead.abandon(weights);
            throw e;
        }
        return build(net, prototxtName, WeightsRead.await(weights), caffemodelName, null, options, ops, notes);
    }

    /** @param weightsFile where the weights can be read again (null when they came from a stream) */
    private static Imported build(NetReader.ParsedText text, String netName, Caffe.NetParameter weights,
                                  String weightsName, CaffemodelSource weightsFile, LoadOptions options,
                                  OpRegistry ops, List<String> notes) {
        Caffe.NetParameter net = text.net();
        if (NetUpgrader.needsUpgrade(net)) {
            notes.add(netName + ": upgraded from a legacy (V0/V1 or input_dim) definition");
        }
        Caffe.NetParameter v2 = NetUpgrader.upgrade(net, netName);
        DeployDeriver.Options d = DeployDeriver.Options.defaults().withChannels(options.channels())
                .withSoftmax(options.addSoftmax());
        if (options.batch() != null) {
            d = d.withBatch(options.batch());
        }
        Map<String, int[]> inputShapes = resolveFirstInput(options.inputShapes(), v2, d, netName);
        if (inputShapes != null) {
            java.util.Map<String, long[]> given = new LinkedHashMap<>();
            inputShapes.forEach((k, v) -> given.put(k, java.util.Arrays.stream(v).asLongStream().toArray()));
            d = d.withInputShapes(given);
        }
        DeployDeriver.Result deploy = DeployDeriver.derive(v2, d, netName);
        notes.addAll(deploy.notes());
        Caffe.NetParameter w = weights == null ? null : NetUpgrader.upgrade(weights, weightsName);
        Map<String, Shape> shapes = null;
        if (inputShapes != null) {
            shapes = new LinkedHashMap<>();
            for (Map.Entry<String, int[]> e : inputShapes.entrySet()) {
                long[] dims = java.util.Arrays.stream(e.getValue()).asLongStream().toArray();
                try {
                    shapes.put(e.getKey(), Shape.checked(dims, "input shape of '" + e.getKey() + "'"));
                } catch (org.caffe4j.ir.InvalidShapeException bad) {
                    throw new org.caffe4j.ShapeException(netName + ": " + bad.getMessage(), bad);
                }
            }
        }
        Graph graph = new GraphBuilder(ops, text.customLayerFields()).build(deploy.net(), w, netName, weightsName, shapes,
                weightsFile);
        notes.addAll(graph.warnings());
        return new Imported(deploy.net(), graph, ops, notes);
    }

    /** Replaces the {@link LoadOptions#FIRST_INPUT} key by the name of the net's first input. */
    private static Map<String, int[]> resolveFirstInput(Map<String, int[]> shapes, Caffe.NetParameter v2,
                                                        DeployDeriver.Options d, String netName) {
        if (shapes == null || !shapes.containsKey(LoadOptions.FIRST_INPUT)) {
            return shapes;
        }
        String first = DeployDeriver.firstInputName(v2, d);
        if (first == null) {
            throw new org.caffe4j.ShapeException(netName + ": an input shape was given, but the net has no input "
                    + "or data layer");
        }
        Map<String, int[]> resolved = new LinkedHashMap<>();
        shapes.forEach((k, v) -> resolved.put(k.equals(LoadOptions.FIRST_INPUT) ? first : k, v));
        return resolved;
    }
}
