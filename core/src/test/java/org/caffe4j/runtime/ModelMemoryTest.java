package org.caffe4j.runtime;

import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a loaded model keeps on the heap: its weights once, not the caffemodel message they were decoded from. */
class ModelMemoryTest {
    @TempDir
    Path dir;

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) { // the least of a few full collections: other threads' garbage settles
            System.gc();
            Thread.sleep(20);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    void aLoadedModelHoldsItsWeightsOnceAndNotTheCaffemodelBytes() throws Exception {
        // 10 million weights: 40 MB as floats, and a 40 MB caffemodel.
        Path net = Files.writeString(dir.resolve("wide.prototxt"), """
                name: "wide"
                input: "data" input_shape { dim: 1 dim: 10000 }
                layer { name: "fc" type: "InnerProduct" bottom: "data" top: "out" inner_product_param { num_output: 1000 bias_term: false } }
                """);
        Path weights = SeededCaffemodel.write(net, LoadOptions.defaults(), 1, dir.resolve("wide.caffemodel"));
        long weightBytes = 4L * 10_000 * 1_000;
        assertTrue(Files.size(weights) >= weightBytes);
        long before = usedAfterGc();
        try (Model m = Model.builder().files(net, weights).build()) {
            long held = usedAfterGc() - before;
            assertTrue(held > weightBytes * 9 / 10, "the weights are on the heap: " + held);
            assertTrue(held < weightBytes * 3 / 2, "a loaded model holds " + held + " bytes for " + weightBytes
                    + " bytes of weights (the caffemodel message kept beside them would double it)");
            assertEquals(1000, m.run(new Tensor(new int[]{1, 10000}, new float[10000])).data().length);
        }
    }
}
