package org.caffe4j;

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

    /** Bytes of {@code count} floats, saturating instead of wrapping. */
    public static long floatBytes(long count) {
        return count > Long.MAX_VALUE / Float.BYTES ? Long.MAX_VALUE : count * Float.BYTES;
    }

    private static long toMb(long bytes) {
        return (bytes + MB - 1) / MB;
    }
}
