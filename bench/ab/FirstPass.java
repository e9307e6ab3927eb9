import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;

/**
 * One new JVM's load and first forward pass of a model, for bench/ab/run.sh --first-pass: what a kernel change
 * costs before the JIT has compiled it (a new large vector method reached in the first pass is compiled there, and its
 * boxed operations allocate until then; bench/HISTORY.md, session 40), which the in-JVM A/B of the steady state
 * cannot see. Prints one line: {@code load MS ms, first pass MS ms, allocated MB MB}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp FIRSTPASS_CLASSES:CORE_CLASSES:DEPENDENCIES \
 *     FirstPass NET WEIGHTS THREADS [BATCH]
 * </pre>
 */
public final class FirstPass {
    public static void main(String[] args) throws Exception {
        Path net = Path.of(args[0]);
        Path weights = Path.of(args[1]);
        LoadOptions options = LoadOptions.defaults().withThreads(Integer.parseInt(args[2]));
        if (args.length > 3) {
            options = options.withBatch(Integer.parseInt(args[3]));
        }
        long t0 = System.nanoTime();
        try (Model model = Model.load(net, weights, options)) {
            long t1 = System.nanoTime();
            int[] shape = model.inputShape(model.inputNames().get(0));
            float[] data = new float[Arrays.stream(shape).reduce(1, Math::multiplyExact)];
            Random rnd = new Random(7);
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) rnd.nextGaussian();
            }
            Tensor input = new Tensor(shape, data);
            long a0 = allocatedBytes();
            long t2 = System.nanoTime();
            model.run(input);
            long t3 = System.nanoTime();
            long a1 = allocatedBytes();
            System.out.printf("load %.0f ms, first pass %.0f ms, allocated %.0f MB%n", (t1 - t0) / 1e6,
                    (t3 - t2) / 1e6, (a1 - a0) / 1e6);
        }
        System.exit(0);
    }

    /** All threads' heap allocations so far: JDK 21 and later count ended threads too, JDK 17 the live ones. */
    private static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try {
            var total = com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes");
            return (long) total.invoke(threads);
        } catch (ReflectiveOperationException e) {
            return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(b -> b > 0).sum();
        }
    }
}
