package org.caffe4j.plan;

import org.caffe4j.CaffeModelException;
import org.caffe4j.MalformedModelException;
import org.caffe4j.MemoryBudget;
import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Graph;
import org.caffe4j.ir.Node;
import org.caffe4j.ir.Shape;
import org.caffe4j.ir.Value;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.ops.ChannelAffine;
import org.caffe4j.kernels.simd.KernelSet;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.ops.KernelContext;
import org.caffe4j.ops.LayerKernel;
import org.caffe4j.ops.OpDefinition;
import org.caffe4j.ops.ReluOp;
import org.caffe4j.ops.registry.OpRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Turns a shaped graph into an {@link ExecutionPlan}: execution order (Caffe's layer order, already topological),
 * fusion of in-place ReLUs into the producing convolution or inner product, kernel choice (each op's
 * {@code lower}), and buffer reuse by liveness: a value's buffer returns to the free list after its last reader,
 * and an elementwise layer writes over its input when that input dies there.
 */
public final class Planner {
    /** Memo for prepacked weights, shared by every plan of one model so re-planning does not repack. */
    private final Map<String, Object> memo = new ConcurrentHashMap<>();
    private final boolean reference;
    private final KernelSet kernels;
    private final OpRegistry ops;

    /**
     * @param reference true to use every op's reference kernel and no fusion (the oracle fast kernels are tested
     *                  against)
     * @param ops       the registry the graphs were built with (their nodes' ops, by type)
     */
    public Planner(boolean reference, OpRegistry ops) {
        this(reference, Simd.kernels(), ops);
    }

    /** @param kernels the inner kernels the layers are built with ({@link Simd#kernels()} or {@link Simd#twins()}) */
    public Planner(boolean reference, KernelSet kernels, OpRegistry ops) {
        this.reference = reference;
        this.kernels = kernels;
        this.ops = ops;
    }

    /** The inner kernels this planner builds layers with. */
    public KernelSet kernels() {
        return kernels;
    }

    /**
     * The plan in four passes: what to keep ({@link #keptValues}), which producers take their ReLU
     * ({@link #fuse}), when each value is last read ({@link #liveness}), then buffers and kernels step by step
     * ({@link #allocateAndLower}).
     *
     * @param keep blob names whose final values the caller wants back; null = the graph's outputs
     */
    public ExecutionPlan plan(Graph graph, Set<String> keep) {
        return plan(graph, keep, Parallel.SERIAL);
    }

    /**
     * As {@link #plan(Graph, Set)}, with the layers' kernels (weight packing, Winograd transforms, folding) built on
     * {@code par}'s threads: the plan is the same, made sooner (NIN's plan in a new process: see BENCHMARKS.md).
     */
    public ExecutionPlan plan(Graph graph, Set<String> keep, Parallel par) {
        Map<String, Value> keptValues = keptValues(graph, keep);
        Set<String> keepIds = new java.util.HashSet<>();
        keptValues.values().forEach(v -> keepIds.add(v.id()));
        List<Node> nodes = graph.nodes();
        Fusion fusion = reference ? Fusion.NONE : fuse(nodes, readers(nodes), keepIds);
        Liveness liveness = liveness(nodes, fusion, keepIds);
        Placement placement = reference ? Placement.NONE : placeConcatInputs(nodes, fusion, liveness.pinned());
        ExecutionPlan plan = allocateAndLower(graph, fusion, liveness, placement, keptValues, par);
        checkMemory(graph, plan, keptValues.values());
        return plan;
    }

    /** The values whose final values a run returns, by blob name. */
    private static Map<String, Value> keptValues(Graph graph, Set<String> keep) {
        Map<String, Value> keptValues = new LinkedHashMap<>();
        if (keep == null) {
            for (Value v : graph.outputs()) {
                keptValues.put(v.blob(), v);
            }
            return keptValues;
        }
        for (String blob : keep) {
            Value v = graph.finalValues().get(blob);
            if (v == null) {
                throw new CaffeModelException("the net has no blob named '" + blob + "'");
            }
            keptValues.put(blob, v);
        }
        return keptValues;
    }

    /** Readers (node indices) of each value. */
    private static Map<String, List<Integer>> readers(List<Node> nodes) {
        Map<String, List<Integer>> readers = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (Value v : nodes.get(i).inputs()) {
                readers.computeIfAbsent(v.id(), k -> new ArrayList<>()).add(i);
            }
        }
        return readers;
    }

    /**
     * What the producers take over: per-channel affine layers folded into their weights, then an in-place ReLU.
     *
     * @param fusedInto producer index -> fused ReLU index
     * @param alias     output id of a layer taken over -> the producer's output id
     * @param skipped   indices of the layers taken over (no step of their own)
     * @param folded    producer index -> the affine maps folded into it, in order (applied when it is lowered, so
     *                  that at most one layer's folded weights per planning thread exist at a time)
     * @param foldedNames producer index -> the names of the layers folded into it
     */
    private record Fusion(Map<Integer, Integer> fusedInto, Map<String, String> alias, Set<Integer> skipped,
                          Map<Integer, List<ChannelAffine>> folded, Map<Integer, List<String>> foldedNames) {
        static final Fusion NONE = new Fusion(Map.of(), Map.of(), Set.of(), Map.of(), Map.of());

        String canonical(String id) {
            return alias.getOrDefault(id, id);
        }

        /** A layer its producer took over: no step of its own. */
        boolean skipped(int node) {
            return skipped.contains(node);
        }
    }

    /**
     * A producer takes over the layers that are the only readers of its (unkept) output, as long as they chain:
     * per-channel affine layers (inference BatchNorm, Scale) it can fold into its weights, as OpenCV and ncnn do,
     * then an in-place ReLU if its op fuses one. A folded producer computes the affine of its output up to float
     * rounding; nothing is folded where a caller keeps the values in between.
     */
    private Fusion fuse(List<Node> nodes, Map<String, List<Integer>> readers, Set<String> keepIds) {
        Map<Integer, Integer> fusedInto = new HashMap<>();
        Map<String, String> alias = new HashMap<>();
        Set<Integer> skipped = new java.util.HashSet<>();
        Map<Integer, List<ChannelAffine>> folded = new HashMap<>();
        Map<Integer, List<String>> foldedNames = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (skipped.contains(i) || n.outputs().size() != 1) {
                continue;
            }
            OpDefinition<Object> op = ops.opOf(n);
            Value out = n.outputs().get(0);
            Value current = out;
            List<String> names = new ArrayList<>();
            List<ChannelAffine> affines = new ArrayList<>();
            while (true) {
                Integer next = onlyReader(current, readers, keepIds);
                if (next == null) {
                    break;
                }
                Node layer = nodes.get(next);
                OpDefinition<Object> layerOp = ops.opOf(layer);
                ChannelAffine affine = layer.inputs().size() == 1 && layer.outputs().size() == 1
                        ? layerOp.channelAffine(layer.params(), layer.weights(), shapes(layer.inputs())) : null;
                // Folding keeps the producer's parameters' shape (Convolution: same weights, a bias added), so
                // one check on the stored weights holds for each affine in the chain.
                if (affine == null || !op.foldsAffine(n.params(), n.weights(), affine)) {
                    break;
                }
                affines.add(affine);
                names.add(layer.name());
                skipped.add(next);
                current = layer.outputs().get(0);
                alias.put(current.id(), out.id());
            }
            if (!affines.isEmpty()) {
                folded.put(i, List.copyOf(affines));
                foldedNames.put(i, List.copyOf(names));
            }
            Integer next = op.fusesRelu() ? onlyReader(current, readers, keepIds) : null;
            if (next != null) {
                Node relu = nodes.get(next);
                if (relu.type().equals("ReLU") && relu.outputs().get(0).blob().equals(current.blob())) {
                    fusedInto.put(i, next);
                    skipped.add(next);
                    alias.put(relu.outputs().get(0).id(), out.id());
                }
            }
        }
        return new Fusion(fusedInto, alias, skipped, folded, foldedNames);
    }

    /**
     * Concats that need no copy: each top they join is written by its producer straight into the concat's buffer.
     *
     * @param concatOf canonical id of such a top -> the index of the Concat that joins it
     * @param offset   canonical id of such a top -> where it starts in the concat's buffer
     * @param joined   the indices of those Concats (no step of their own)
     */
    private record Placement(Map<String, Integer> concatOf, Map<String, Integer> offset, Set<Integer> joined) {
        static final Placement NONE = new Placement(Map.of(), Map.of(), Set.of());
    }

    /**
     * The Concats whose output is their inputs laid end to end ({@link OpDefinition#inputsLaidEndToEnd}: batch 1 on
     * channels) and every one of whose inputs is the one top of a one-bottom step that can write at an offset
     * ({@link OpDefinition#writesOutputAtOffset}), read by nothing but the concat and kept by no caller: those
     * producers write into the concat's buffer, as OpenCV's importer arranges it, and the copy is gone (SqueezeNet's
     * eight fire concats and GoogLeNet's nine inception ones). The values are the same bits: a kernel computes the
     * same floats wherever it writes them.
     */
    private Placement placeConcatInputs(List<Node> nodes, Fusion fusion, Set<String> pinned) {
        Map<String, Integer> producer = new HashMap<>();
        Map<String, List<Integer>> stepReaders = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (fusion.skipped(i)) {
                continue;
            }
            for (Value v : nodes.get(i).outputs()) {
                producer.put(v.id(), i);
            }
            for (Value v : nodes.get(i).inputs()) {
                stepReaders.computeIfAbsent(fusion.canonical(v.id()), k -> new ArrayList<>()).add(i);
            }
        }
        Map<String, Integer> concatOf = new HashMap<>();
        Map<String, Integer> offset = new HashMap<>();
        Set<Integer> joined = new java.util.HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (fusion.skipped(i) || n.outputs().size() != 1 || n.inputs().isEmpty()) {
                continue;
            }
            long[] starts = ops.opOf(n).inputsLaidEndToEnd(n.params(), shapes(n.inputs()), shapes(n.outputs()));
            if (starts == null) {
                continue;
            }
            List<String> tops = new ArrayList<>();
            for (Value v : n.inputs()) {
                String id = fusion.canonical(v.id());
                Integer p = producer.get(id);
                Node made = p == null ? null : nodes.get(p);
                if (made == null || made.inputs().size() != 1 || made.outputs().size() != 1
                        || !ops.opOf(made).writesOutputAtOffset() || pinned.contains(id) || tops.contains(id)
                        || !List.of(i).equals(stepReaders.get(id))) {
                    tops = null;
                    break;
                }
                tops.add(id);
            }
            if (tops == null) {
                continue;
            }
            for (int k = 0; k < tops.size(); k++) {
                concatOf.put(tops.get(k), i);
                offset.put(tops.get(k), Math.toIntExact(starts[k]));
            }
            joined.add(i);
        }
        return new Placement(concatOf, offset, joined);
    }

    /**
     * Lowers {@code n} with the affine maps folded into it. The folded parameters are remembered per model; the
     * folded weights are computed only when the op asks for them (its memo of prepacked weights misses), so a plan
     * for another input shape does not fold, and copy, the layer's weights again.
     */
    private LayerKernel lowerFolded(Node n, int index, List<ChannelAffine> affines, Float slope, String memoKey) {
        String paramsKey = index + "\u0000" + n.name() + "\u0000" + memoKey + "\u0000folded params";
        Node[] computed = {null};
        Object params = memo.computeIfAbsent(paramsKey, k -> {
            computed[0] = folded(n, affines);
            return computed[0].params();
        });
        // The stored weights stand in for the folded ones where only their presence is checked.
        Node run = new Node(n.name(), n.type(), params, n.inputs(), n.outputs(), n.weights());
        Supplier<List<Blob>> weights = () -> {
            if (computed[0] == null) {
                computed[0] = folded(n, affines);
            }
            return computed[0].weights();
        };
        LayerKernel kernel = lower(run, index, slope, memoKey, weights, false);
        // The kernel holds the folded values, never the stored ones: those are needed again only by a plan that
        // does not fold (read again from the caffemodel then).
        for (Blob stored : n.weights()) {
            stored.releaseToOrigin();
        }
        return kernel;
    }

    /** {@code n} with the affine maps folded in, as {@link #fuse} checked it can be ({@code foldsAffine}). */
    private Node folded(Node n, List<ChannelAffine> affines) {
        Object params = n.params();
        List<Blob> weights = n.weights();
        for (ChannelAffine a : affines) {
            OpDefinition.Folded<Object> f = ops.opOf(n).foldAffine(params, weights, a);
            if (f == null) {
                throw new IllegalStateException(n.label() + ": foldsAffine accepted a map foldAffine refuses");
            }
            params = f.params();
            weights = f.weights();
        }
        return new Node(n.name(), n.type(), params, n.inputs(), n.outputs(), weights);
    }

    /** The one node reading {@code v}, when exactly one does and no caller keeps {@code v}; else null. */
    private static Integer onlyReader(Value v, Map<String, List<Integer>> readers, Set<String> keepIds) {
        List<Integer> r = readers.getOrDefault(v.id(), List.of());
        return r.size() == 1 && !keepIds.contains(v.id()) ? r.get(0) : null;
    }

    /**
     * @param lastUse the last step (node index) reading each canonical value
     * @param pinned  canonical values a run returns, never freed
     */
    private record Liveness(Map<String, Integer> lastUse, Set<String> pinned) {
    }

    private static Liveness liveness(List<Node> nodes, Fusion fusion, Set<String> keepIds) {
        Map<String, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (fusion.skipped(i)) {
                continue;
            }
            for (Value v : nodes.get(i).inputs()) {
                lastUse.put(fusion.canonical(v.id()), i);
            }
        }
        Set<String> pinned = new java.util.HashSet<>();
        keepIds.forEach(id -> pinned.add(fusion.canonical(id)));
        return new Liveness(lastUse, pinned);
    }

    /**
     * Buffers in node order: an output takes a dying input's buffer when its op works in place, else the best
     * free buffer; inputs are freed after their last reader, unread outputs at once. Each step gets its kernel.
     */
    private ExecutionPlan allocateAndLower(Graph graph, Fusion fusion, Liveness liveness, Placement placement,
                                           Map<String, Value> keptValues, Parallel par) {
        List<Node> nodes = graph.nodes();
        Map<String, Integer> lastUse = liveness.lastUse();
        Set<String> pinned = liveness.pinned();
        SlotAllocator slots = new SlotAllocator();
        Map<String, Integer> slotOf = new HashMap<>();
        Map<String, Integer> inputSlots = new LinkedHashMap<>();
        List<PendingStep> pending = new ArrayList<>();
        // A joined Concat's buffer, taken when the first of its inputs is produced.
        Map<Integer, Integer> concatSlot = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (fusion.skipped(i)) {
                continue;
            }
            if (placement.joined().contains(i)) {
                // Its producers wrote its output already; the buffer is freed by its output's last reader.
                String id = n.outputs().get(0).id();
                int slot = concatSlot.get(i);
                slotOf.put(id, slot);
                if (!lastUse.containsKey(id) && !pinned.contains(id)) {
                    slots.free(slot);
                }
                continue;
            }
            int[] in = new int[n.inputs().size()];
            for (int k = 0; k < in.length; k++) {
                in[k] = slotOf.get(fusion.canonical(n.inputs().get(k).id()));
            }
            int[] out = new int[n.outputs().size()];
            int outputOffset = 0;
            Integer joinedBy = placement.concatOf().get(n.outputs().isEmpty() ? "" : n.outputs().get(0).id());
            for (int k = 0; k < out.length; k++) {
                Value v = n.outputs().get(k);
                int size = toInt(v.shape().count(), n);
                if (k == 0 && joinedBy != null) {
                    Node concat = nodes.get(joinedBy);
                    int slot = concatSlot.computeIfAbsent(joinedBy,
                            c -> slots.take(toInt(concat.outputs().get(0).shape().count(), concat)));
                    slotOf.put(v.id(), slot);
                    out[k] = slot;
                    outputOffset = placement.offset().get(v.id());
                    continue;
                }
                int slot;
                boolean reuseInput = ops.opOf(n).inPlaceCapable() && k < n.inputs().size() && !reference
                        && dies(fusion.canonical(n.inputs().get(k).id()), i, lastUse, pinned)
                        && slots.size(in[k]) >= size;
                slot = reuseInput ? in[k] : slots.take(size);
                slotOf.put(v.id(), slot);
                out[k] = slot;
                if (n.type().equals("Input")) {
                    inputSlots.put(v.blob(), slot);
                }
            }
            // Free inputs whose last reader is this step (unless the output took the buffer over).
            for (int k = 0; k < in.length; k++) {
                String id = fusion.canonical(n.inputs().get(k).id());
                if (dies(id, i, lastUse, pinned) && !contains(out, in[k]) && !isStillNeeded(in[k], slotOf, lastUse, i, pinned)) {
                    slots.free(in[k]);
                }
            }
            // Outputs nobody reads and nobody keeps are dead at once.
            for (int k = 0; k < out.length; k++) {
                String id = n.outputs().get(k).id();
                if (!lastUse.containsKey(id) && !pinned.contains(id) && !n.type().equals("Input")
                        && !isStillNeeded(out[k], slotOf, lastUse, i, pinned)) {
                    slots.free(out[k]);
                }
            }
            if (n.type().equals("Input")) {
                continue;
            }
            Integer fused = fusion.fusedInto().get(i);
            Float slope = fused == null ? null : ((ReluOp.Params) nodes.get(fused).params()).negativeSlope();
            List<ChannelAffine> affines = fusion.folded().get(i);
            int index = i;
            Supplier<LayerKernel> kernel;
            if (affines == null) {
                kernel = () -> lower(n, index, slope, "", n::weights, true);
            } else {
                // A folded producer's prepacked weights are its own: another plan (one keeping the values in
                // between) packs the stored ones under the plain key.
                String memoKey = "folded " + String.join(",", fusion.foldedNames().get(i));
                kernel = () -> lowerFolded(n, index, affines, slope, memoKey);
            }
            long macs = ops.opOf(n).multiplyAdds(n.params(), shapes(n.inputs()), shapes(n.outputs()));
            pending.add(new PendingStep(n, kernel, in, out, outputOffset,
                    joinedBy == null ? null : nodes.get(joinedBy).name(),
                    fusion.foldedNames().getOrDefault(i, List.of()), fused == null ? null : nodes.get(fused).name(),
                    macs));
        }
        List<Step> steps = lowerAll(pending, par);
        Map<String, Integer> kept = new LinkedHashMap<>();
        keptValues.forEach((blob, v) -> kept.put(blob, slotOf.get(fusion.canonical(v.id()))));
        return new ExecutionPlan(graph, steps, slots.sizes(), inputSlots, kept);
    }

    /** A step whose kernel is still to be built. */
    private record PendingStep(Node node, Supplier<LayerKernel> kernel, int[] in, int[] out, int outputOffset,
                               String concat, List<String> folded, String fusedRelu, long macs) {
    }

    /**
     * Builds the steps' kernels on {@code par}'s threads (each layer's packing and transforms are independent) and
     * reports the first failing layer in graph order, as a one-by-one lowering would.
     */
    private static List<Step> lowerAll(List<PendingStep> pending, Parallel par) {
        LayerKernel[] kernels = new LayerKernel[pending.size()];
        Throwable[] failures = new Throwable[pending.size()];
        par.forEach(pending.size(), t -> {
            try {
                kernels[t] = pending.get(t).kernel().get();
            } catch (RuntimeException | Error e) {
                failures[t] = e;
            }
        });
        List<Step> steps = new ArrayList<>(pending.size());
        for (int t = 0; t < pending.size(); t++) {
            if (failures[t] instanceof RuntimeException e) {
                throw e;
            }
            if (failures[t] instanceof Error e) {
                throw e;
            }
            PendingStep p = pending.get(t);
            // The step names the layer as the graph has it: the folded weights live on only in the kernel's copy.
            steps.add(new Step(p.node(), kernels[t], p.in(), p.out(), p.outputOffset(), p.concat(), p.folded(),
                    p.fusedRelu(), p.macs()));
        }
        return steps;
    }

    /**
     * Refuses a plan whose buffers (plus the copies of the kept blobs a run returns) cannot fit in the heap, before
     * anything is allocated, naming the layer whose top is the largest buffer.
     */
    private static void checkMemory(Graph graph, ExecutionPlan plan, java.util.Collection<Value> kept) {
        long floats = plan.activationFloats();
        for (Value v : kept) {
            floats += v.shape().count();
        }
        long bytes = MemoryBudget.floatBytes(floats);
        if (bytes <= MemoryBudget.availableBytes()) {
            return;
        }
        Node largest = null;
        Value largestValue = null;
        for (Node n : graph.nodes()) {
            for (Value v : n.outputs()) {
                if (largestValue == null || v.shape().count() > largestValue.shape().count()) {
                    largest = n;
                    largestValue = v;
                }
            }
        }
        StringBuilder inputs = new StringBuilder();
        for (Value v : graph.inputs()) {
            inputs.append(inputs.length() == 0 ? "" : ", ").append(v.blob()).append(' ').append(v.shape());
        }
        String where = (graph.source() == null || graph.source().isEmpty() ? "" : graph.source() + ": ")
                + (largest == null ? "the net" : largest.label());
        MemoryBudget.require(bytes, where + ": running input " + inputs + " (largest buffer: this layer's top '"
                + largestValue.blob() + "' of shape " + largestValue.shape() + ", "
                + MemoryBudget.floatBytes(largestValue.shape().count()) / (1024 * 1024) + " MB)");
    }

    private static boolean contains(int[] a, int x) {
        for (int v : a) {
            if (v == x) {
                return true;
            }
        }
        return false;
    }

    /** True when another live value still occupies the slot (a reused in-place buffer). */
    private static boolean isStillNeeded(int slot, Map<String, Integer> slotOf, Map<String, Integer> lastUse, int step,
                                         Set<String> pinned) {
        for (Map.Entry<String, Integer> e : slotOf.entrySet()) {
            if (e.getValue() == slot && (pinned.contains(e.getKey()) || lastUse.getOrDefault(e.getKey(), -1) > step)) {
                return true;
            }
        }
        return false;
    }

    private static boolean dies(String id, int step, Map<String, Integer> lastUse, Set<String> pinned) {
        return !pinned.contains(id) && lastUse.getOrDefault(id, -1) == step;
    }

    private static List<Shape> shapes(List<Value> values) {
        return values.stream().map(Value::shape).toList();
    }

    private static int toInt(long count, Node n) {
        if (count > Shape.MAX_ELEMENTS) {
            throw new MalformedModelException(n.label() + ": output of " + count + " elements is too large");
        }
        return (int) count;
    }

    /**
     * @param index   the node's position in the graph, which is the same for every input shape
     * @param weights the node's weights, asked for only when the op needs them (a folded node computes its own on
     *                the first call)
     * @param stored  whether those are the graph's own blobs (which a kernel keeping them may release)
     */
    private LayerKernel lower(Node n, int index, Float slope, String memoVariant, Supplier<List<Blob>> weights,
                              boolean stored) {
        KernelContext ctx = new KernelContext() {
            @Override
            public String layerName() {
                return n.name();
            }

            @Override
            public List<Shape> inputShapes() {
                return shapes(n.inputs());
            }

            @Override
            public List<Shape> outputShapes() {
                return shapes(n.outputs());
            }

            @Override
            public List<Blob> weights() {
                return weights.get();
            }

            @Override
            public Float fusedReluSlope() {
                return slope;
            }

            @Override
            public KernelSet kernels() {
                return kernels;
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T memo(String key, Supplier<T> compute) {
                // By position as well as name: two layers may share a name (and not their weights).
                return (T) memo.computeIfAbsent(index + "\u0000" + n.name() + "\u0000" + memoVariant + "\u0000" + key,
                        k -> compute.get());
            }

            @Override
            public void weightsKeptByKernel(int blob, Supplier<float[]> unpack) {
                if (stored) {
                    n.weights().get(blob).release(unpack);
                }
            }

            @Override
            public void weightsCopiedByKernel(int blob) {
                if (stored) {
                    n.weights().get(blob).releaseToOrigin();
                }
            }
        };
        List<Shape> expected = ops.opOf(n).weightShapes(n.params(), ctx.inputShapes());
        if (!expected.isEmpty() && n.weights().isEmpty()) {
            throw new MalformedModelException(n.label() + ": blobs: no weights were loaded for this layer "
                    + "(give the .caffemodel)");
        }
        return reference ? ops.opOf(n).reference(n.params(), ctx) : ops.opOf(n).lower(n.params(), ctx);
    }

    /** Buffers by index; a freed buffer is reused by the next value that fits, growing it if needed. */
    private static final class SlotAllocator {
        private final List<Integer> sizes = new ArrayList<>();
        private final java.util.TreeSet<Integer> free = new java.util.TreeSet<>();

        int take(int size) {
            Integer best = null;
            for (int s : free) {
                if (best == null || fitScore(s, size) < fitScore(best, size)) {
                    best = s;
                }
            }
            if (best != null) {
                free.remove(best);
                sizes.set(best, Math.max(sizes.get(best), size));
                return best;
            }
            sizes.add(size);
            return sizes.size() - 1;
        }

        /** Prefer the smallest buffer that already fits, else the one needing least growth. */
        private long fitScore(int slot, int size) {
            int have = sizes.get(slot);
            return have >= size ? have - size : (1L << 40) + (size - have);
        }

        int size(int slot) {
            return sizes.get(slot);
        }

        void free(int slot) {
            free.add(slot);
        }

        int[] sizes() {
            return sizes.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
