package org.caffe4j.importer;

import org.caffe4j.io.TextFields;
import org.caffe4j.io.NetReader;
import org.caffe4j.MalformedModelException;
import org.caffe4j.ShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Graph;
import org.caffe4j.ir.Node;
import org.caffe4j.ir.InvalidShapeException;
import org.caffe4j.ir.Shape;
import org.caffe4j.ir.Value;
import org.caffe4j.io.BlobDecoder;
import org.caffe4j.io.CaffemodelSource;
import org.caffe4j.ops.LayerContext;
import org.caffe4j.ops.OpDefinition;
import org.caffe4j.ops.registry.OpRegistry;
import org.caffe4j.proto.Caffe;
import org.caffe4j.proto.Caffe.LayerParameter;
import org.caffe4j.proto.Caffe.NetParameter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the checked {@link Graph} from a V2 deploy net (see {@link org.caffe4j.io.DeployDeriver}) and, optionally,
 * trained weights: resolves every layer type (all unknown ones reported together), wires bottoms to tops in
 * Caffe's layer order (in-place layers get a new value version; a blob may feed many layers), binds weights by
 * layer name, and infers every shape with Caffe's arithmetic. Node i of the graph is layer i of the net, so whoever
 * needs a node's raw layer later reads it from the net the graph was built from.
 */
public final class GraphBuilder {
    private final OpRegistry registry;
    private final Map<String, List<TextFields.Field>> customLayerFields;

    public GraphBuilder(OpRegistry registry) {
        this(registry, Map.of());
    }

    /**
     * @param customLayerFields the prototxt blocks of plug-in layers by layer name ({@link NetReader.ParsedText}):
     *                          their own parameters are not in caffe.proto
     */
    public GraphBuilder(OpRegistry registry, Map<String, List<TextFields.Field>> customLayerFields) {
        this.registry = registry;
        this.customLayerFields = customLayerFields;
    }

    /** A layer ready for shape inference: its op, parsed params and bound weights. */
    private record Layer(LayerContext ctx, OpDefinition<Object> op, Object params, List<Blob> weights) {
    }

    /**
     * @param weights       upgraded V2 weights (a caffemodel), or null to build without weights (e.g. summary)
     * @param source        net definition file name, for messages
     * @param weightsSource caffemodel file name, for messages
     * @param inputShapes   optional overrides of input blob shapes (by blob name); null for the declared ones
     */
    public Graph build(NetParameter net, NetParameter weights, String source, String weightsSource,
                       Map<String, Shape> inputShapes) {
        return build(net, weights, source, weightsSource, inputShapes, null);
    }

    /**
     * As {@link #build(NetParameter, NetParameter, String, String, Map)}, with the caffemodel file the weights were
     * read from (after the same upgrade), so that each blob taken from it can be read again there
     * ({@link Blob#readableAgainFrom}); null when they came from a stream.
     */
    public Graph build(NetParameter net, NetParameter weights, String source, String weightsSource,
                       Map<String, Shape> inputShapes, CaffemodelSource weightsFile) {
        List<Layer> layers = resolve(net, weights, source, weightsSource, weightsFile);
        List<String> warnings = new ArrayList<>();
        if (weights != null) {
            Set<String> names = new java.util.HashSet<>();
            net.getLayerList().forEach(l -> names.add(l.getName()));
            List<String> extra = weights.getLayerList().stream().map(LayerParameter::getName)
                    .filter(n -> !names.contains(n)).toList();
            if (!extra.isEmpty()) {
                warnings.add(weightsSource + ": ignored " + extra.size() + " layer(s) that the net does not have: "
                        + String.join(", ", extra.size() > 8 ? extra.subList(0, 8) : extra) + (extra.size() > 8 ? ", ..." : ""));
            }
        }
        return infer(net.getName(), source, layers, inputShapes, warnings, weights != null);
    }

    private List<Layer> resolve(NetParameter net, NetParameter weights, String source, String weightsSource,
                                CaffemodelSource weightsFile) {
        Map<String, List<Integer>> trained = new HashMap<>();
        if (weights != null) {
            for (int i = 0; i < weights.getLayerCount(); i++) {
                trained.computeIfAbsent(weights.getLayer(i).getName(), k -> new ArrayList<>()).add(i);
            }
        }
        Map<String, Integer> namesakes = new HashMap<>();
        net.getLayerList().forEach(l -> namesakes.merge(l.getName(), 1, Integer::sum));
        Map<String, Integer> seen = new HashMap<>();
        Set<String> unknown = new LinkedHashSet<>();
        for (LayerParameter l : net.getLayerList()) {
            if (registry.find(l.getType()) == null) {
                unknown.add("'" + l.getName() + "' (" + (l.getType().isEmpty() ? "no type" : l.getType()) + ")");
            }
        }
        if (!unknown.isEmpty()) {
            throw new UnsupportedLayerException(source + ": unsupported layer type(s) in layer(s) " + String.join(", ", unknown)
                    + "; supported types: " + String.join(", ", registry.types()));
        }
        List<Layer> out = new ArrayList<>();
        for (LayerParameter l : net.getLayerList()) {
            LayerContext ctx = new LayerContext(source, l, registry.customTypes().contains(l.getType())
                    ? customLayerFields.get(l.getName()) : null);
            if (l.getName().isEmpty()) {
                throw new MalformedModelException(source + ": a layer of type " + l.getType() + " has no name");
            }
            OpDefinition<Object> op = registry.find(l.getType());
            Object params;
            try {
                params = op.parse(ctx);
            } catch (InvalidShapeException e) {
                throw labelled(ctx, e);
            }
            List<Blob> blobs = new ArrayList<>();
            int occurrence = seen.merge(l.getName(), 1, Integer::sum) - 1;
            Integer trainedAt = trainedFor(ctx, trained.get(l.getName()), namesakes.get(l.getName()), occurrence,
                    weightsSource);
            LayerParameter src = trainedAt == null ? null : weights.getLayer(trainedAt);
            String where = weightsSource;
            if (src == null && l.getBlobsCount() > 0) {
                src = l;
                where = source;
            }
            if (src != null) {
                for (int i = 0; i < src.getBlobsCount(); i++) {
                    Blob blob = BlobDecoder.decode(src.getBlobs(i), where + ": layer '" + l.getName() + "' blobs[" + i + "]");
                    if (trainedAt != null && weightsFile != null) {
                        blob.readableAgainFrom(weightsFile.origin(trainedAt, l.getName(), i));
                    }
                    blobs.add(blob);
                }
            }
            out.add(new Layer(ctx, op, params, blobs));
        }
        return out;
    }

    /**
     * The position of the caffemodel layer whose blobs layer {@code ctx} takes. A name used once takes the first
     * caffemodel layer of that name, as Caffe does. Several layers of one name (OpenCV's shared_weights test) take
     * the caffemodel's layers of that name in order when there are as many, or all share the one there is, as
     * OpenCV's importer does; Caffe itself would copy them all into the first such layer and leave the others at
     * their fillers.
     */
    private static Integer trainedFor(LayerContext ctx, List<Integer> entries, int namesakes, int occurrence,
                                      String weightsSource) {
        if (entries == null) {
            return null;
        }
        if (namesakes == 1 || entries.size() == 1) {
            return entries.get(0);
        }
        if (entries.size() != namesakes) {
            throw new MalformedModelException(ctx.label() + ": name: " + namesakes + " layers of the net are named '"
                    + ctx.name() + "' but " + weightsSource + " has " + entries.size() + " layers of that name; "
                    + "expected one (shared by all) or one each");
        }
        return entries.get(occurrence);
    }

    private Graph infer(String name, String source, List<Layer> layers, Map<String, Shape> inputShapes, List<String> warnings,
                        boolean requireWeights) {
        Map<String, Value> current = new LinkedHashMap<>();
        Map<String, String> producer = new HashMap<>();
        Map<String, Value> finals = new LinkedHashMap<>();
        Set<String> consumed = new java.util.HashSet<>();
        List<Node> nodes = new ArrayList<>();
        List<Value> inputs = new ArrayList<>();
        Set<String> overridden = new java.util.HashSet<>();
        Set<String> usedIds = new java.util.HashSet<>();
        for (Layer layer : layers) {
            LayerContext ctx = layer.ctx();
            LayerParameter l = ctx.layer();
            List<Value> ins = new ArrayList<>();
            List<Shape> inShapes = new ArrayList<>();
            for (int i = 0; i < l.getBottomCount(); i++) {
                Value v = current.get(l.getBottom(i));
                if (v == null) {
                    throw new MalformedModelException(ctx.label() + ": bottom[" + i + "] '" + l.getBottom(i)
                            + "' is not produced by any earlier layer (unknown blob, or a cycle)");
                }
                ins.add(v);
                inShapes.add(v.shape());
                consumed.add(v.id());
            }
            List<Shape> outShapes;
            outShapes = outputShapes(layer.op(), layer.params(), inShapes, ctx);
            if (l.getType().equals("Input") && inputShapes != null) {
                List<Shape> replaced = new ArrayList<>(outShapes);
                for (int i = 0; i < l.getTopCount(); i++) {
                    Shape s = inputShapes.get(l.getTop(i));
                    if (s != null) {
                        replaced.set(i, s);
                        overridden.add(l.getTop(i));
                    }
                }
                outShapes = replaced;
            }
            for (int i = 0; i < outShapes.size(); i++) {
                if (outShapes.get(i) == null) {
                    throw new ShapeException(ctx.label() + ": input '" + l.getTop(i) + "' has no shape in the "
                            + "definition; give one (--input-shape " + l.getTop(i) + "=N,C,H,W, or an input array)");
                }
            }
            List<Blob> weights = checkWeights(layer, inShapes, requireWeights, warnings);
            List<Value> outs = new ArrayList<>();
            for (int i = 0; i < l.getTopCount(); i++) {
                String top = l.getTop(i);
                boolean inPlace = l.getBottomList().contains(top);
                if (current.containsKey(top) && !inPlace) {
                    throw new MalformedModelException(ctx.label() + ": top[" + i + "] '" + top + "' is already produced by layer '"
                            + producer.get(top) + "'; only an in-place layer (top == bottom) may write a blob twice");
                }
                String id = current.containsKey(top) ? top + "#" + l.getName() : top;
                // Two in-place layers of one name on one blob: keep value ids unique.
                for (int k = 2; !usedIds.add(id); k++) {
                    id = top + "#" + l.getName() + "#" + k;
                }
                Value v = new Value(id, top, outShapes.get(i));
                outs.add(v);
                current.put(top, v);
                producer.put(top, l.getName());
                finals.remove(top);
                finals.put(top, v);
            }
            Node node = new Node(l.getName(), l.getType(), layer.params(), ins, outs, weights);
            if (l.getType().equals("Input")) {
                inputs.addAll(outs);
            }
            nodes.add(node);
        }
        if (inputShapes != null) {
            for (String blob : inputShapes.keySet()) {
                if (!overridden.contains(blob)) {
                    throw new ShapeException("the net has no input blob named '" + blob + "' (inputs: "
                            + String.join(", ", inputs.stream().map(Value::blob).toList()) + ")");
                }
            }
        }
        // Keep finals in the order blobs first appeared (network order), each with its last version.
        Map<String, Value> ordered = new LinkedHashMap<>();
        for (Node n : nodes) {
            for (Value v : n.outputs()) {
                ordered.putIfAbsent(v.blob(), finals.get(v.blob()));
            }
        }
        List<Value> outputs = new ArrayList<>();
        for (Value v : ordered.values()) {
            if (!consumed.contains(v.id()) && !inputs.contains(v)) {
                outputs.add(v);
            }
        }
        return new Graph(name, source, nodes, inputs, outputs, ordered, warnings);
    }

    /** The op's output shapes, each checked to fit one Java array, with errors naming the layer. */
    private static List<Shape> outputShapes(OpDefinition<Object> op, Object params, List<Shape> inShapes, LayerContext ctx) {
        try {
            List<Shape> out = op.outputShapes(params, inShapes, ctx);
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i) != null) { // an input without a shape in the definition: the caller supplies it
                    out.get(i).requireAllocatable(ctx.label() + ": top[" + i + "]");
                }
            }
            return out;
        } catch (ShapeException | UnsupportedLayerException e) {
            throw e.getMessage().contains(ctx.label()) ? e : new ShapeException(ctx.label() + ": " + e.getMessage(), e);
        } catch (InvalidShapeException e) {
            throw labelled(ctx, e);
        }
    }

    /** The ir's shape error as the user's, naming the layer once. */
    private static ShapeException labelled(LayerContext ctx, InvalidShapeException e) {
        return new ShapeException(e.getMessage().contains(ctx.label()) ? e.getMessage() : ctx.label() + ": " + e.getMessage(), e);
    }

    /**
     * The layer's weights checked against the shapes its op needs: as stored (after the op's
     * {@link OpDefinition#adaptWeights}), or from deterministic fillers when the caffemodel lacks the layer
     * ({@link Fillers}, with a warning), or none when building without weights.
     */
    private static List<Blob> checkWeights(Layer layer, List<Shape> inShapes, boolean requireWeights,
                                           List<String> warnings) {
        List<Shape> expected;
        try {
            expected = layer.op().weightShapes(layer.params(), inShapes);
        } catch (ShapeException | InvalidShapeException e) {
            throw new ShapeException(layer.ctx().label() + ": blobs: " + e.getMessage(), e);
        }
        List<Blob> blobs = layer.weights();
        LayerContext ctx = layer.ctx();
        if (blobs.isEmpty()) {
            if (!expected.isEmpty() && requireWeights) {
                List<Blob> filled = Fillers.fill(ctx, expected);
                if (filled == null) {
                    throw new MalformedModelException(ctx.label() + ": blobs: the layer needs " + expected.size()
                            + " weight blob(s) " + expected + " but the caffemodel has no layer of this name (and "
                            + Fillers.describe(ctx) + ", not a deterministic constant, diagonal or bilinear filler "
                            + "that could stand in for them)");
                }
                warnings.add(ctx.label() + ": not in the caffemodel; its weights come from its fillers, as in Caffe");
                return filled;
            }
            return blobs;
        }
        if (blobs.size() != expected.size()) {
            throw new MalformedModelException(ctx.label() + ": blobs: has " + blobs.size() + " blob(s); expected "
                    + expected.size() + " " + expected);
        }
        try {
            blobs = layer.op().adaptWeights(layer.params(), inShapes, blobs, ctx);
        } catch (InvalidShapeException e) {
            throw new ShapeException(ctx.label() + ": blobs: " + e.getMessage(), e);
        }
        for (int i = 0; i < blobs.size(); i++) {
            if (!blobs.get(i).fits(expected.get(i))) {
                throw new ShapeException(ctx.label() + ": blobs[" + i + "] has shape " + blobs.get(i).shape()
                        + (blobs.get(i).legacy4d() ? " (legacy 4-D)" : "") + "; expected " + expected.get(i));
            }
        }
        return blobs;
    }

    /**
     * Re-infers every shape for new input shapes (Caffe's Net::Reshape), keeping layers and weights.
     *
     * @param registry the registry {@code graph} was built with
     * @param layers   the layers of the net {@code graph} was built from (node i is layer i)
     */
    public static Graph reshape(OpRegistry registry, Graph graph, List<LayerParameter> layers,
                                Map<String, Shape> inputShapes) {
        if (layers.size() != graph.nodes().size()) {
            throw new IllegalArgumentException("graph '" + graph.name() + "' has " + graph.nodes().size()
                    + " nodes but " + layers.size() + " layers were given");
        }
        Map<String, Value> byId = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        for (int index = 0; index < layers.size(); index++) {
            Node n = graph.nodes().get(index);
            LayerParameter layer = layers.get(index);
            if (!layer.getName().equals(n.name())) {
                throw new IllegalArgumentException("node " + index + " of graph '" + graph.name() + "' is '" + n.name()
                        + "' but layer " + index + " is '" + layer.getName() + "'");
            }
            LayerContext ctx = new LayerContext(graph.source(), layer);
            List<Value> ins = n.inputs().stream().map(v -> byId.get(v.id())).toList();
            List<Shape> inShapes = ins.stream().map(Value::shape).toList();
            OpDefinition<Object> op = registry.opOf(n);
            List<Shape> outShapes = outputShapes(op, n.params(), inShapes, ctx);
            List<Value> outs = new ArrayList<>();
            for (int i = 0; i < n.outputs().size(); i++) {
                Value old = n.outputs().get(i);
                Shape s = n.type().equals("Input") && inputShapes.containsKey(old.blob())
                        ? inputShapes.get(old.blob()) : outShapes.get(i);
                Value v = new Value(old.id(), old.blob(), s);
                byId.put(v.id(), v);
                outs.add(v);
            }
            List<Blob> weights = checkWeights(new Layer(ctx, op, n.params(), n.weights()), inShapes, false,
                    new ArrayList<>());
            nodes.add(new Node(n.name(), n.type(), n.params(), ins, outs, weights));
        }
        Map<String, Value> finals = new LinkedHashMap<>();
        graph.finalValues().forEach((k, v) -> finals.put(k, byId.get(v.id())));
        return new Graph(graph.name(), graph.source(), nodes, graph.inputs().stream().map(v -> byId.get(v.id())).toList(),
                graph.outputs().stream().map(v -> byId.get(v.id())).toList(), finals, graph.warnings());
    }
}
