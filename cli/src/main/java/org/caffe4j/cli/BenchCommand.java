package org.caffe4j.cli;

import org.caffe4j.MemoryBudget;
import org.caffe4j.runtime.Footprint;
import org.caffe4j.runtime.HostInfo;
import org.caffe4j.runtime.StepInfo;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Time forward passes on seeded random input: median/min/max ms per pass, "
        + "ms per image, GFLOP/s, and a per-layer table.")
final class BenchCommand implements Callable<Integer> {
    /** How long each thread runs the micro-kernel in cache to measure the peak the fractions refer to. */
    static final long PEAK_PROBE_MILLIS = 400;
    /** How long the threads stream memory to measure the bandwidth weight reads are compared with. */
    static final long STREAM_PROBE_MILLIS = 300;

    @Parameters(index = "0", paramLabel = "NET", description = "net definition (.prototxt)")
    Path net;

    @Parameters(index = "1", paramLabel = "WEIGHTS", description = "trained weights (.caffemodel)")
    Path weights;

    @Option(names = "--warmup", defaultValue = "auto", paramLabel = "auto|W",
            description = "untimed passes first, for the JIT: 'auto' (default) runs them until the per-pass time and "
                    + "the JIT have settled (at most " + WARMUP_MAX_SECONDS + " s), a number runs exactly that many")
    String warmup;

    /** The longest automatic warm-up; a net that needs more is reported as not settled. */
    static final int WARMUP_MAX_SECONDS = 60;

    @Option(names = "--iterations", defaultValue = "30", paramLabel = "K", description = "timed passes (default 30)")
    int iterations;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Mixin
    ModelOptions modelOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int fixedWarmup = -1;
        if (!warmup.equals("auto")) {
            try {
                fixedWarmup = Integer.parseInt(warmup);
            } catch (NumberFormatException e) {
                fixedWarmup = -1;
            }
            if (fixedWarmup < 0) {
                throw new IllegalArgumentException("--warmup must be 'auto' or a number >= 0, got '" + warmup + "'");
            }
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("--iterations must be at least 1, got " + iterations);
        }
        LoadOptions options = modelOptions.toLoadOptions();
        long t0 = System.nanoTime();
        try (Model model = Model.load(net, weights, options)) {
            modelOptions.reportIgnoredFields(model.notes(), spec.commandLine().getErr());
            double loadMs = (System.nanoTime() - t0) / 1e6;
            double modelHeapMb = retainedHeapMb();
            Map<String, Tensor> feed = new LinkedHashMap<>();
            Random rnd = new Random(1);
            int batch = 1;
            // Plan first: it refuses shapes whose buffers cannot fit before the input itself is allocated.
            List<StepInfo> steps = model.steps(Map.of());
            for (String name : model.inputNames()) {
                int[] shape = model.inputShape(name);
                batch = shape[0];
                float[] x = new float[Math.toIntExact(Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b))];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (rnd.nextGaussian() * 50);
                }
                feed.put(name, new Tensor(shape, x));
            }
            // What a one-shot run pays: the JIT has not compiled the kernels yet (NIN: 1.3-1.9 s against ~11 ms).
            // Later passes write into this pass's output tensors (Model.runInto), so that an output of megabytes (a
            // segmentation map) is not a new array, and garbage, in every timed pass.
            long a0 = allocatedBytes();
            long f0 = System.nanoTime();
            Map<String, Tensor> outputs = model.run(feed);
            double firstPassMs = (System.nanoTime() - f0) / 1e6;
            long a1 = allocatedBytes();
            double runningHeapMb = retainedHeapMb();
            long a2 = allocatedBytes();
            long macs = steps.stream().mapToLong(StepInfo::multiplyAdds).sum();
            WarmUp.Result warm = WarmUp.untilStable(() -> {
                long p0 = System.nanoTime();
                model.runInto(feed, outputs);
                return (System.nanoTime() - p0) / 1e6;
            }, WarmUp::jitMillis, fixedWarmup >= 0 ? fixedWarmup : Integer.MAX_VALUE,
                    fixedWarmup >= 0 ? Double.POSITIVE_INFINITY : WARMUP_MAX_SECONDS);
            long a3 = allocatedBytes();
            double[] ms = new double[iterations];
            double[][] perStep = new double[steps.size()][iterations];
            for (int i = 0; i < iterations; i++) {
                long s0 = System.nanoTime();
                model.runInto(feed, outputs);
                ms[i] = (System.nanoTime() - s0) / 1e6;
            }
            long a4 = allocatedBytes();
            // Heap allocated by the passes, where this JVM counts it: until the JIT has compiled the vector kernels
            // every Vector API operation is a boxed object, which the first passes pay in garbage.
            boolean allocationCounted = a0 >= 0;
            double firstPassAllocatedMb = (a1 - a0) / 1e6;
            double warmupAllocatedMb = (a3 - a2) / 1e6;
            double allocatedKbPerPass = (a4 - a3) / 1e3 / iterations;
            // Per-layer times come from separate passes so that the timing hook never slows the headline figure.
            for (int i = 0; i < iterations; i++) {
                int it = i;
                model.runTimed(feed, (step, nanos) -> perStep[step][it] = nanos / 1e6);
            }
            double median = median(ms);
            double gflops = 2.0 * macs / (median / 1e3) / 1e9;
            int threads = options.threads();
            // Measured after the timed passes, so that it never competes with them for the cores.
            double peak = HostInfo.gemmPeakGflops(threads, PEAK_PROBE_MILLIS);
            double stream = streamRate(threads);
            long weightBytes = steps.stream().mapToLong(StepInfo::weightBytes).sum();
            PrintWriter out = spec.commandLine().getOut();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("net", net.toString());
            o.put("java", System.getProperty("java.version"));
            o.put("simd", HostInfo.kernels());
            o.put("threads", threads);
            o.put("batch", batch);
            o.put("iterations", iterations);
            o.put("median_ms", median);
            o.put("min_ms", Arrays.stream(ms).min().orElse(0));
            o.put("max_ms", Arrays.stream(ms).max().orElse(0));
            o.put("ms_per_image", median / batch);
            o.put("gflops", gflops);
            o.put("peak_gflops", peak);
            o.put("peak_fraction", gflops / peak);
            o.put("stream_gbps", stream);
            o.put("weight_mb", weightBytes / 1e6);
            o.put("load_ms", loadMs);
            o.put("first_pass_ms", firstPassMs);
            o.put("warmup_passes", warm.passes());
            o.put("warmup_seconds", warm.seconds());
            o.put("warmup_settled", warm.settled());
            if (allocationCounted) {
                o.put("first_pass_allocated_mb", firstPassAllocatedMb);
                o.put("warmup_allocated_mb", warmupAllocatedMb);
                o.put("allocated_kb_per_pass", allocatedKbPerPass);
            }
            o.put("model_heap_mb", modelHeapMb);
            o.put("running_heap_mb", runningHeapMb);
            Footprint footprint = model.footprint(Map.of());
            o.put("activation_mb", footprint.activationBytes() / 1e6);
            o.put("loaded_weight_bytes", footprint.loadedWeightBytes());
            o.put("kernel_weight_bytes", footprint.kernelWeightBytes());
            o.put("activation_bytes", footprint.activationBytes());
            o.put("resident_bytes", footprint.residentBytes());
            o.put("peak_heap_mb", peakHeapMb());
            int imageByImage = model.imageByImageSteps(Map.of());
            o.put("image_by_image_steps", imageByImage);
            List<Map<String, Object>> layers = new java.util.ArrayList<>();
            for (StepInfo s : steps) {
                double m = median(perStep[s.index()]);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("layer", s.label());
                row.put("type", s.type());
                row.put("median_ms", m);
                double layerGflops = s.multiplyAdds() == 0 ? 0.0 : 2.0 * s.multiplyAdds() / (m / 1e3) / 1e9;
                row.put("gflops", layerGflops);
                row.put("peak_fraction", layerGflops / peak);
                long bytes = s.weightBytes();
                row.put("weight_mb", bytes / 1e6);
                // Bytes per ns = GB/s: the rate the layer would stream its weights at if they came from memory.
                double weightGbps = bytes / (m * 1e6);
                row.put("weight_gbps", weightGbps);
                row.put("stream_fraction", weightGbps / stream);
                layers.add(row);
            }
            o.put("layers", layers);
            if (json) {
                out.println(JsonWriter.write(o));
                return 0;
            }
            out.printf("%s: batch %d, %d thread(s), Java %s, %s%n", net, batch, threads, o.get("java"), o.get("simd"));
            out.printf("load %.0f ms; first pass %.0f ms (before the JIT has compiled the kernels)%n", loadMs,
                    firstPassMs);
            if (fixedWarmup >= 0) {
                out.printf("warm-up: %d passes (--warmup), %.1f s%n", warm.passes(), warm.seconds());
            } else if (warm.settled()) {
                out.printf("warm-up: %d passes, %.1f s, until the per-pass time and the JIT settled%n", warm.passes(),
                        warm.seconds());
            } else {
                out.printf("warm-up: stopped after %d passes, %.1f s, before the JIT settled; the figures below may "
                        + "still improve (--warmup N runs more)%n", warm.passes(), warm.seconds());
            }
            if (allocationCounted) {
                out.printf("allocated: %.0f MB in the first pass, %.0f MB in the warm-up, then %.1f KB a pass (until the "
                        + "JIT has compiled them, the vector kernels box every operation%s)%n", firstPassAllocatedMb,
                        warmupAllocatedMb, allocatedKbPerPass, Boolean.getBoolean("caffe4j.jitDirectives")
                                ? "; foreground compilation asked for by -Dcaffe4j.jitDirectives=true"
                                : "; -Dcaffe4j.jitDirectives=true compiles them in the foreground: less garbage, a later "
                                        + "start");
            }
            out.printf("heap after load %.0f MB, after the first pass %.0f MB (activation buffers %.1f MB per concurrent "
                            + "pass); peak heap incl. garbage %.0f MB%n", modelHeapMb, runningHeapMb,
                    (Double) o.get("activation_mb"), (Double) o.get("peak_heap_mb"));
            out.println("resident: " + footprint.describe());
            if (imageByImage > 0) {
                out.printf("batch %d: the first %d step(s) run one image at a time (few weights, large activations), "
                        + "the rest on the whole batch%n", batch, imageByImage);
            }
            out.printf("forward: median %.2f ms (min %.2f, max %.2f) over %d passes; %.2f ms/image; %.1f GFLOP/s%n",
                    median, o.get("min_ms"), o.get("max_ms"), iterations, median / batch, gflops);
            out.printf("peak: the GEMM micro-kernel in cache on %d thread(s) runs %.1f GFLOP/s here; the pass reaches "
                    + "%.0f%% of it (GFLOP/s count direct convolution, so Winograd layers can exceed 100%%)%n", threads,
                    peak, 100 * gflops / peak);
            if (Double.isNaN(stream)) {
                out.printf("memory: not measured (the heap cannot spare the probe's 64 MB); the pass reads %.1f MB of "
                        + "weights as stored%n", weightBytes / 1e6);
            } else {
                out.printf("memory: streaming reads on %d thread(s) run %.1f GB/s here; the pass reads %.1f MB of weights "
                        + "as stored (%.2f ms at that rate when they come from memory)%n", threads, stream,
                        weightBytes / 1e6, weightBytes / (stream * 1e6));
            }
            // As wide as the longest label: a step with folded BatchNorm/Scale layers names them all.
            int width = Math.max(24, layers.stream().mapToInt(r -> ((String) r.get("layer")).length()).max().orElse(0));
            out.printf("%-" + width + "s %-12s %10s %8s %9s %7s %8s %7s %7s%n", "layer", "type", "median ms", "share", "GFLOP/s",
                    "of peak", "weights", "GB/s", "of mem");
            double total = layers.stream().mapToDouble(r -> (Double) r.get("median_ms")).sum();
            for (Map<String, Object> r : layers) {
                double m = (Double) r.get("median_ms");
                double g = (Double) r.get("gflops");
                double mb = (Double) r.get("weight_mb");
                double gbps = (Double) r.get("weight_gbps");
                out.printf("%-" + width + "s %-12s %10.3f %7.1f%% %9s %7s %8s %7s %7s%n", r.get("layer"), r.get("type"), m,
                        100 * m / total, g == 0 ? "" : String.format("%.1f", g),
                        g == 0 ? "" : String.format("%.0f%%", 100 * g / peak),
                        mb == 0 ? "" : String.format("%.2f MB", mb), mb == 0 ? "" : String.format("%.1f", gbps),
                        mb == 0 || Double.isNaN(stream) ? "" : String.format("%.0f%%", 100 * gbps / stream));
            }
        }
        return 0;
    }

    /** The memory's streaming rate, or NaN when the heap (a small -Xmx) cannot hold the probe's array. */
    private static double streamRate(int threads) {
        try {
            return HostInfo.streamGbPerSecond(threads, STREAM_PROBE_MILLIS);
        } catch (OutOfMemoryError e) {
            return Double.NaN; // only the probe's own array failed to allocate; the timings stand
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Heap still reachable after a full collection: what the loaded model (and its packed weights) keeps. */
    private static double retainedHeapMb() {
        return MemoryBudget.liveHeapBytesAfterFullCollection() / 1e6;
    }

    /** JDK 21's count that includes ended threads (the kernels' one-off warm-up threads); null on JDK 17. */
    private static final java.lang.reflect.Method TOTAL_ALLOCATED = totalAllocatedMethod();

    private static java.lang.reflect.Method totalAllocatedMethod() {
        try {
            return com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /**
     * Bytes allocated on the heap by this JVM's threads so far, or -1 where it cannot tell: on JDK 21 and later all
     * threads', on JDK 17 the live ones' (the model's workers and this thread).
     */
    private static long allocatedBytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                || !threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            return -1;
        }
        if (TOTAL_ALLOCATED != null) {
            try {
                return (long) TOTAL_ALLOCATED.invoke(threads);
            } catch (ReflectiveOperationException e) {
                // fall through to the live threads' sum
            }
        }
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }

    private static double peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / 1e6;
    }
}
