package org.caffe4j;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryBudgetTest {
    private static volatile Object sink;

    @Test
    void liveHeapCountsWhatIsHeldNotWhatAnotherThreadAllocatesMeanwhile() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread garbage = new Thread(() -> { // like a background warm-up running a kernel in its allocating fallback
            while (!stop.get()) {
                sink = new float[1 << 18]; // 1 MB: outside G1's young generation (humongous) with its 2 MB regions
            }
        });
        garbage.setDaemon(true);
        garbage.start();
        try {
            long heldBytes = 100_000_000;
            long before = MemoryBudget.liveHeapBytesAfterFullCollection();
            float[] held = new float[(int) (heldBytes / Float.BYTES)];
            long delta = MemoryBudget.liveHeapBytesAfterFullCollection() - before;
            // Within 8 MB: G1 counts whole regions for the held array and for the one or two arrays the other
            // thread holds. Reading the heap's usage after the collection counted up to 47 MB of its garbage as held.
            assertTrue(Math.abs(delta - heldBytes) < 8_000_000, "100 MB held, measured " + delta);
            assertEquals(heldBytes / Float.BYTES, held.length);
        } finally {
            stop.set(true);
            garbage.join();
        }
    }

    @Test
    void aRequestLargerThanTheHeapNamesWhatNeededIt() {
        ShapeException e = assertThrows(ShapeException.class,
                () -> MemoryBudget.require(Long.MAX_VALUE, "layer 'fc6' output"));
        assertTrue(e.getMessage().startsWith("layer 'fc6' output needs "), e.getMessage());
    }
}
