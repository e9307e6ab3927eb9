package org.caffe4j.runtime;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.caffe4j.testing.RandomWeights;

/**
 * Run in a child JVM by {@link SteadyAllocationTest}, so that no other test's kernels have shaped the JIT's
 * profiles: loads a model on one thread (all kernel work on this thread, whose allocations are counted), runs it
 * until a window of passes allocates at most the given bytes per pass or the time is up, and prints the lowest
 * window average and how many passes ran.
 */
public final class SteadyAllocationProbe {
    private static final int WINDOW = 20;

    private SteadyAllocationProbe() {
    }

    /** Arguments: prototxt, caffemodel, the bytes per pass to reach, seconds to try. */
    public static void main(String[] args) throws Exception {
        long goal = Long.parseLong(args[2]);
        long deadline = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Model model = Model.builder().files(Path.of(args[0]), Path.of(args[1])).threads(1).build()) {
            String input = model.inputNames().get(0);
            int[] shape = model.inputShape(input);
            int size = 1;
            for (int d : shape) {
                size *= d;
            }
            Tensor x = new Tensor(shape, RandomWeights.input(5, size));
            long lowest = Long.MAX_VALUE;
            int passes = 0;
            while (lowest > goal && System.nanoTime() < deadline) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < WINDOW; i++) {
                    model.run(x);
                }
                passes += WINDOW;
                lowest = Math.min(lowest, (threads.getCurrentThreadAllocatedBytes() - before) / WINDOW);
            }
            System.out.println("bytes_per_pass=" + lowest + " passes=" + passes);
        }
    }
}
