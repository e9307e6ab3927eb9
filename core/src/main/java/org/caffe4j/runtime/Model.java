package org.caffe4j.runtime;

import org.caffe4j.MemoryBudget;
import org.caffe4j.ShapeException;
import org.caffe4j.ir.Graph;
import org.caffe4j.importer.GraphBuilder;
import org.caffe4j.ir.InvalidShapeException;
import org.caffe4j.ir.Shape;
import org.caffe4j.ir.Value;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.plan.ExecutionPlan;
import org.caffe4j.ops.registry.OpRegistry;
import org.caffe4j.kernels.simd.CompileDirectives;
import org.caffe4j.kernels.simd.Simd;
import org.caffe4j.plan.Planner;
import org.caffe4j.plan.Step;
import org.caffe4j.proto.Caffe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A loaded Caffe model, ready to run. Immutable and thread-safe: any number of threads may call {@link #run} at
 * once; each call borrows its own activation buffers. An input of another batch size or spatial size reshapes the
 * net, as Caffe's Net::Reshape does (the plan for each input shape is built once and cached).
 */
public final class Model implements AutoCloseable {
    private final Graph graph;
    /** The deploy net's layers, one per graph node, which re-inferring shapes reads. */
    private final List<Caffe.LayerParameter> layers;
    private final List<String> notes;
    /** The graph's input and output blob names, once: runInto checks against them on every pass. */
    private final List<String> inputNames;
    private final List<String> outputNames;
    private final ThreadPoolParallel parallel;
    private final OpRegistry ops;
    private final Planner planner;
    private final Map<PlanKey, PlanState> plans = new ConcurrentHashMap<>();

    private record PlanKey(List<Shape> inputShapes, Set<String> keep) {
    }

    /**
     * Whether batch runs take an image-by-image prefix ({@link ImageByImagePrefix}); -Dcaffe4j.imageByImage=false
     * when the model is loaded turns it off, to compare.
     */
    private final boolean imageByImage = Boolean.parseBoolean(System.getProperty("caffe4j.imageByImage", "true"));
    /** Per batch plan (run with no blobs kept): its image-by-image prefix, or empty when it has none. */
    private final Map<PlanKey, java.util.Optional<ImageByImagePrefix>> prefixes = new ConcurrentHashMap<>();

    /** A plan plus its pool of reusable buffer sets. */
    record PlanState(ExecutionPlan plan, ConcurrentLinkedQueue<float[][]> arenas) {
        float[][] borrowBuffers(String source) {
            float[][] buffers = arenas.poll();
            if (buffers == null) {
                // Each concurrent run takes its own buffer set: check this one too, not only the first at planning.
                MemoryBudget.require(MemoryBudget.floatBytes(plan.activationFloats()),
                        source + ": the activation buffers for one more concurrent run");
                buffers = new float[plan.slotSizes().length][];
                for (int i = 0; i < buffers.length; i++) {
                    buffers[i] = new float[plan.slotSizes()[i]];
                }
            }
            return buffers;
        }
    }

    private Model(ModelFiles.Imported imported, LoadOptions options) {
        this.graph = imported.graph();
        this.inputNames = graph.inputs().stream().map(Value::blob).toList();
        this.outputNames = graph.outputs().stream().map(Value::blob).toList();
        this.layers = imported.deploy().getLayerList();
        this.notes = List.copyOf(imported.notes());
        this.parallel = new ThreadPoolParallel(Math.max(1, options.threads()));
        this.ops = imported.ops();
        this.planner = new Planner(options.reference(), oneShotTwins(options) ? Simd.twins() : Simd.kernels(), ops);
        if (Simd.enabled() && !options.reference() && !planner.kernels().twins()) {
            // A model that keeps running warms the vector kernels up: from complete Vector API profiles, so that
            // C2 compiles them without boxing (JDK 17), and with far less garbage where the user asked for their C2
            // compilations in the foreground (-Dcaffe4j.jitDirectives=true).
            Simd.primeVectorProfiles();
            CompileDirectives.addInBackground();
        }
    }

    /** Loading in one chain: {@code Model.builder().files(net, weights).threads(2).batch(8).build()}. */
    public static ModelBuilder builder() {
        return new ModelBuilder();
    }

    public static Model load(Path prototxt, Path caffemodel) throws IOException {
        return load(prototxt, caffemodel, LoadOptions.defaults());
    }

    public static Model load(Path prototxt, Path caffemodel, LoadOptions options) throws IOException {
        return new Model(ModelFiles.importModel(prototxt, caffemodel, options), options);
    }

    /** A model from an import already made (e.g. by a summary that also lists the graph). */
    public static Model of(ModelFiles.Imported imported, LoadOptions options) {
        return new Model(imported, options);
    }

    public static Model load(InputStream prototxt, InputStream caffemodel, LoadOptions options) throws IOException {
        return new Model(ModelFiles.importModel(prototxt, "<prototxt stream>", caffemodel, "<caffemodel stream>", options),
                options);
    }

    private volatile NetInfo description;

    /** The internal graph, for this package's tests; users see it through {@link #describe()}. */
    Graph graph() {
        return graph;
    }

    /**
     * Most multiply-adds per pass for which a one-shot model ({@link LoadOptions#oneShot}) runs the scalar twins. A
     * new process's pass of one image on the twins against the vector kernels (JDK 25, AVX-512, 2 threads): NIN (1.1
     * billion) 1.3-1.4 s against 1.85-1.9, SqueezeNet 1.1 (0.35) 1.1 against 1.5-1.8, ResNet-50 (3.9) 2.2-2.3
     * against 2.4-2.6; FCN-AlexNet at 224x224 (6.2) 2.3 against 2.2, at 400x400 (14.7) 3.6 against 2.5: a long
     * pass gives the JIT time to compile the vector kernels within it, sooner where single layers are large.
     */
    static final long ONE_SHOT_MAX_MULTIPLY_ADDS = 5_000_000_000L;

    private boolean oneShotTwins(LoadOptions options) {
        if (!options.oneShot() || options.reference()) {
            return false;
        }
        long macs = describe().layers().stream().mapToLong(LayerInfo::multiplyAdds).sum();
        return macs <= ONE_SHOT_MAX_MULTIPLY_ADDS;
    }

    /** Whether the layers run the scalar twins of the vector kernels (a one-shot model, {@link LoadOptions#oneShot}). */
    boolean runsScalarTwins() {
        return planner.kernels().twins();
    }

    /** The net's layers and shapes for its declared inputs, as read-only values (computed once). */
    public NetInfo describe() {
        NetInfo info = description;
        if (info == null) {
            info = ModelFiles.describe(graph, ops, notes);
            description = info; // immutable: a race only computes it twice
        }
        return info;
    }

    /** What the importer changed or ignored (upgrades, dropped layers, unknown caffemodel layers). */
    public List<String> notes() {
        return notes;
    }

    public List<String> inputNames() {
        return inputNames;
    }

    public int[] inputShape(String name) {
        Value v = graph.input(name);
        if (v == null) {
            throw new ShapeException("the net has no input named '" + name + "'");
        }
        return v.shape().dims();
    }

    public List<String> outputNames() {
        return outputNames;
    }

    /** Runs a net with one input. */
    public Tensor run(Tensor input) {
        if (graph.inputs().size() != 1) {
            throw new ShapeException("the net has " + graph.inputs().size() + " inputs " + inputNames() + "; name them");
        }
        Map<String, Tensor> out = run(Map.of(inputNames().get(0), input));
        return out.values().iterator().next();
    }

    /** Runs the net and returns its output blobs (blobs no layer consumes), by name. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        return execute(inputs, null, null, null);
    }

    /** Runs the net and returns the given blobs' final values. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> blobs) {
        return execute(inputs, new LinkedHashSet<>(blobs), null, null);
    }

    /**
     * Runs the net and writes the named blobs' final values into the caller's tensors, each of the shape this pass
     * gives the blob (as {@link #run} would return it): no output array is allocated, so a loop over many inputs
     * makes no garbage (ONNX Runtime's I/O binding, OpenCV's forward into existing Mats). The names are output blobs
     * or, as for {@link #run(Map, Set)}, any blob. Checked before the pass: an unknown name or a tensor of another
     * shape is a {@link ShapeException}.
     */
    public void runInto(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
        if (outputs.isEmpty()) {
            throw new ShapeException("no output tensors given (the net's outputs: " + outputNames() + ")");
        }
        for (String name : outputs.keySet()) {
            if (!graph.finalValues().containsKey(name)) {
                throw new ShapeException("the net has no blob named '" + name + "' (its outputs: " + outputNames + ")");
            }
        }
        // The default outputs keep run's plan; other blobs need a plan that keeps them, as run(inputs, blobs) builds.
        execute(inputs, outputNames.containsAll(outputs.keySet()) ? null : new LinkedHashSet<>(outputs.keySet()), null,
                outputs);
    }

    /** Runs the net and returns every blob's value after the whole pass (after in-place layers), in network order. */
    public Map<String, Tensor> runAllBlobs(Map<String, Tensor> inputs) {
        return execute(inputs, new LinkedHashSet<>(graph.finalValues().keySet()), null, null);
    }

    /** Per-step timing hook for benchmarks: receives (step index in {@link #steps}, nanoseconds) after each step. */
    public interface StepListener {
        void stepDone(int step, long nanos);
    }

    /** Runs the net, reporting each step's time; the indices are those of {@link #steps} for the inputs' shapes. */
    public Map<String, Tensor> runTimed(Map<String, Tensor> inputs, StepListener listener) {
        return execute(inputs, null, listener, null);
    }

    /** The execution plan's steps for these input shapes (missing inputs: the declared shapes), as values. */
    public List<StepInfo> steps(Map<String, int[]> inputShapes) {
        List<Step> steps = plan(inputShapes).steps();
        List<StepInfo> out = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            out.add(new StepInfo(i, s.node().name(), s.node().type(), s.folded(), s.fusedRelu(), s.concat(),
                    s.multiplyAdds(), s.kernel().weightBytes()));
        }
        return List.copyOf(out);
    }

    /** The plan used for these input shapes; users see it through {@link #steps} and {@link #footprint}. */
    ExecutionPlan plan(Map<String, int[]> inputShapes) {
        return planFor(shapesOf(inputShapes), null).plan();
    }

    /** The inputs' shapes, in the graph's input order: the given ones, else the declared ones. */
    private List<Shape> shapesOf(Map<String, int[]> inputShapes) {
        List<Shape> shapes = new ArrayList<>();
        for (Value v : graph.inputs()) {
            int[] s = inputShapes.get(v.blob());
            shapes.add(s == null ? v.shape() : userShape(s, "input shape of '" + v.blob() + "'"));
        }
        return shapes;
    }

    /**
     * How many leading steps of {@link #steps} a run at these input shapes (missing inputs: the declared shapes) takes
     * one image at a time before running the rest on the whole batch: layers with few weights and large activations,
     * whose batch would otherwise go through memory between layers. 0 at batch 1, for small batches, and for runs that
     * keep intermediate blobs. The results are the same bits either way.
     */
    public int imageByImageSteps(Map<String, int[]> inputShapes) {
        ImageByImagePrefix prefix = prefixFor(inputShapes);
        return prefix == null ? 0 : prefix.steps();
    }

    private ImageByImagePrefix prefixFor(Map<String, int[]> inputShapes) {
        List<Shape> shapes = shapesOf(inputShapes);
        return prefixFor(shapes, planFor(shapes, null).plan());
    }

    /** What the model keeps in memory when run at these input shapes (missing inputs: the declared shapes). */
    public Footprint footprint(Map<String, int[]> inputShapes) {
        ExecutionPlan plan = plan(inputShapes);
        long loaded = 0;
        for (org.caffe4j.ir.Node n : graph.nodes()) {
            for (org.caffe4j.ir.Blob b : n.weights()) {
                loaded += b.heldBytes();
            }
        }
        long kernels = plan.steps().stream().mapToLong(s -> s.kernel().weightBytes()).sum();
        long activations = plan.activationFloats();
        ImageByImagePrefix prefix = prefixFor(inputShapes);
        if (prefix != null) {
            activations += prefix.perImage().plan().activationFloats(); // the buffers the prefix runs in
        }
        return new Footprint(loaded, kernels, 4 * activations);
    }

    /** @param into the caller's tensors to write the kept blobs named in it into (then null is returned), or null */
    private Map<String, Tensor> execute(Map<String, Tensor> inputs, Set<String> keep, StepListener listener,
                                        Map<String, Tensor> into) {
        List<Shape> shapes = new ArrayList<>();
        for (Value v : graph.inputs()) {
            Tensor t = inputs.get(v.blob());
            if (t == null) {
                throw new ShapeException("missing input '" + v.blob() + "' (the net's inputs: " + inputNames() + ")");
            }
            shapes.add(userShape(t.shape(), "input '" + v.blob() + "'"));
        }
        for (String name : inputs.keySet()) {
            if (graph.input(name) == null) {
                throw new ShapeException("the net has no input named '" + name + "' (its inputs: " + inputNames() + ")");
            }
        }
        PlanState state = planFor(shapes, keep);
        ExecutionPlan plan = state.plan();
        Map<String, Value> finals = plan.graph().finalValues();
        if (into != null) { // runInto checked the names; the shapes are known only now
            for (Map.Entry<String, Tensor> e : into.entrySet()) {
                Value value = finals.get(e.getKey());
                if (!Arrays.equals(value.shape().dims(), e.getValue().shape())) {
                    throw new ShapeException("output '" + e.getKey() + "' is " + value.shape() + " for these inputs, "
                            + "the tensor given for it " + e.getValue().shapeString());
                }
            }
        }
        ImageByImagePrefix prefix = keep == null ? prefixFor(shapes, plan) : null;
        float[][] buffers = state.borrowBuffers(graph.source());
        try {
            int first = 0;
            if (prefix != null) {
                runPrefix(prefix, inputs.get(graph.inputs().get(0).blob()).data(), buffers, listener);
                first = prefix.steps();
            } else {
                for (Value v : graph.inputs()) {
                    float[] data = inputs.get(v.blob()).data();
                    System.arraycopy(data, 0, buffers[plan.inputSlots().get(v.blob())], 0, data.length);
                }
            }
            for (int index = first; index < plan.steps().size(); index++) {
                long nanos = runStep(plan.steps().get(index), buffers, listener != null);
                if (listener != null) {
                    listener.stepDone(index, nanos);
                }
            }
            if (into != null) {
                for (Map.Entry<String, Tensor> e : into.entrySet()) {
                    float[] to = e.getValue().data();
                    System.arraycopy(buffers[plan.keptSlots().get(e.getKey())], 0, to, 0, to.length);
                }
                return null;
            }
            Map<String, Tensor> result = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> e : plan.keptSlots().entrySet()) {
                Shape s = finals.get(e.getKey()).shape();
                result.put(e.getKey(), new Tensor(s.dims(), Arrays.copyOf(buffers[e.getValue()], (int) s.count())));
            }
            return result;
        } finally {
            state.arenas().offer(buffers);
        }
    }

    /** Runs one step on a buffer set; its time in ns when timed, else 0. */
    private long runStep(Step step, float[][] buffers, boolean timed) {
        float[][] in = new float[step.inputSlots().length][];
        float[][] out = new float[step.outputSlots().length][];
        for (int i = 0; i < in.length; i++) {
            in[i] = buffers[step.inputSlots()[i]];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = buffers[step.outputSlots()[i]];
        }
        long t0 = timed ? System.nanoTime() : 0;
        step.kernel().run(in, out, step.outputOffset(), parallel);
        return timed ? System.nanoTime() - t0 : 0;
    }

    /**
     * The image-by-image prefix of a batch plan run with no blobs kept ({@link ImageByImagePrefix}), found once per
     * input shapes; null when it has none.
     */
    private ImageByImagePrefix prefixFor(List<Shape> shapes, ExecutionPlan plan) {
        PlanKey key = new PlanKey(shapes, null);
        java.util.Optional<ImageByImagePrefix> known = prefixes.get(key);
        if (known == null) {
            ImageByImagePrefix found = null;
            int images = shapes.size() == 1 && shapes.get(0).rank() > 0 ? shapes.get(0).dims()[0] : 1;
            if (images > 1 && imageByImage && ImageByImagePrefix.possible(plan)) {
                try {
                    found = ImageByImagePrefix.find(plan, planFor(List.of(shapes.get(0).withDim(0, 1)), null), images);
                } catch (ShapeException e) {
                    found = null; // a net whose shapes need the batch (a slice or reshape of axis 0): run it whole
                }
            }
            known = java.util.Optional.ofNullable(found);
            prefixes.putIfAbsent(key, known);
        }
        return known.orElse(null);
    }

    /**
     * Runs the prefix's steps image by image on the batch-1 plan's buffers and copies each image's prefix output
     * into the batch buffer the rest of the net reads; a listener hears each prefix step once, with its time summed
     * over the images.
     */
    private void runPrefix(ImageByImagePrefix prefix, float[] input, float[][] batchBuffers, StepListener listener) {
        ExecutionPlan one = prefix.perImage().plan();
        float[][] buffers = prefix.perImage().borrowBuffers(graph.source());
        try {
            int inputSlot = one.inputSlots().values().iterator().next();
            int images = input.length / prefix.inputFloats();
            long[] nanos = new long[prefix.steps()];
            for (int image = 0; image < images; image++) {
                System.arraycopy(input, image * prefix.inputFloats(), buffers[inputSlot], 0, prefix.inputFloats());
                for (int index = 0; index < prefix.steps(); index++) {
                    nanos[index] += runStep(one.steps().get(index), buffers, listener != null);
                }
                System.arraycopy(buffers[prefix.boundarySlotOne()], 0, batchBuffers[prefix.boundarySlotBatch()],
                        image * prefix.boundaryFloats(), prefix.boundaryFloats());
            }
            if (listener != null) {
                for (int index = 0; index < nanos.length; index++) {
                    listener.stepDone(index, nanos[index]);
                }
            }
        } finally {
            prefix.perImage().arenas().offer(buffers);
        }
    }

    /** Plans kept at once; a caller cycling through more input shapes than this re-plans (cheap: weights stay packed). */
    private static final int MAX_PLANS = 16;

    /** A shape the caller gave, checked: errors are the user-facing {@link ShapeException} naming {@code what}. */
    static Shape userShape(int[] dims, String what) {
        try {
            return Shape.of(dims);
        } catch (InvalidShapeException e) {
            throw new ShapeException(what + ": " + e.getMessage(), e);
        }
    }

    private PlanState planFor(List<Shape> inputShapes, Set<String> keep) {
        if (plans.size() >= MAX_PLANS && !plans.containsKey(new PlanKey(inputShapes, keep))) {
            plans.clear();
            prefixes.clear(); // each holds a batch-1 plan and its buffers
        }
        return plans.computeIfAbsent(new PlanKey(inputShapes, keep), k -> {
            Graph shaped = graph;
            List<Shape> declared = graph.inputs().stream().map(Value::shape).toList();
            if (!declared.equals(inputShapes)) {
                Map<String, Shape> m = new LinkedHashMap<>();
                for (int i = 0; i < inputShapes.size(); i++) {
                    m.put(graph.inputs().get(i).blob(), inputShapes.get(i));
                }
                shaped = GraphBuilder.reshape(ops, graph, layers, m);
            }
            try {
                return new PlanState(planner.plan(shaped, keep, parallel), new ConcurrentLinkedQueue<>());
            } catch (InvalidShapeException e) { // a shape the inference let through; never the ir's type to a caller
                throw new ShapeException(graph.source() + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() {
        parallel.close();
    }
}
