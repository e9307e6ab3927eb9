package org.caffe4j;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * Checks an allocation against the heap before it is made, so that a hostile or simply too large shape ends in
 * one clear error naming what needed the memory, instead of an OutOfMemoryError somewhere in a kernel.
 */
public final class MemoryBudget {
    private static final long MB = 1024 * 1024;

    private MemoryBudget() {
    }

    /** What the heap can still give: its maximum minus what is in use now. */
    public static long availableBytes() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /**
     * Throws a {@link ShapeException} "{@code what} needs N MB, the heap allows M MB" when {@code bytes} cannot fit.
     *
     * @param what names the file, layer or blob the memory is for
     */
    public static void require(long bytes, String what) {
        if (bytes <= availableBytes()) {
            return;
        }
        // "In use" counts garbage not yet collected; collect once before refusing a request that may well fit
        // (not for one larger than the whole heap: hostile shapes should fail fast).
        long available;
        if (bytes <= Runtime.getRuntime().maxMemory()) {
            System.gc();
            available = availableBytes();
        } else {
            available = availableBytes();
        }
        if (bytes > available) {
            throw new ShapeException(what + " needs " + toMb(bytes) + " MB, the heap allows " + toMb(available) + " MB");
        }
    }

    /**
     * Heap still reachable after a full collection. Read from the pools' usage as the collection left it, not from
     * the heap's usage afterwards, and only when no other collection ran in between: another thread's allocation
     * (a background compile warm-up, a caller's own work) would otherwise count as held.
     */
    public static long liveHeapBytesAfterFullCollection() {
        long least = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 5; attempt++) {
            long collectionsBefore = collectionCount();
            System.gc();
            long bytes = heapUsageAfterLastCollection();
            if (bytes < 0) { // a collector without per-pool figures: the heap's usage is the best there is
                Runtime r = Runtime.getRuntime();
                return r.totalMemory() - r.freeMemory();
            }
            least = Math.min(least, bytes);
            if (collectionCount() == collectionsBefore + 1) {
                return bytes; // the figures are the full collection's own
            }
        }
        return least;
    }

    private static long collectionCount() {
        long count = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, collector.getCollectionCount());
        }
        return count;
    }

    private static long heapUsageAfterLastCollection() {
        long bytes = 0;
        boolean measured = false;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage afterCollection = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (afterCollection != null) {
                bytes += afterCollection.getUsed();
                measured = true;
            }
        }
        return measured ? bytes : -1;
    }

    /** Bytes of {@code count} floats, saturating instead of wrapping. */
    public static long floatBytes(long count) {
        return count > Long.MAX_VALUE / Float.BYTES ? Long.MAX_VALUE : count * Float.BYTES;
    }

    private static long toMb(long bytes) {
        return (bytes + MB - 1) / MB;
    }
}
