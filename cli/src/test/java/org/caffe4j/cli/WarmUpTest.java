package org.caffe4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The automatic warm-up on synthetic pass times and JIT activity (no real timing). */
class WarmUpTest {
    @Test
    void stopsOnceThreeWindowsAgreeAndTheJitIsIdle() {
        // 50 passes at 30 ms while the JIT works, then 10 ms: settles after three windows at 10 ms (passes 51-80).
        AtomicInteger n = new AtomicInteger();
        WarmUp.Result r = WarmUp.untilStable(() -> n.incrementAndGet() <= 50 ? 30 : 10,
                () -> Math.min(n.get(), 50) * 100L, 10_000, 1e9);
        assertTrue(r.settled());
        assertEquals(80, r.passes());
        assertEquals(10, r.lastMedianMs());
    }

    @Test
    void aSteadyPlateauWhileTheJitIsStillCompilingDoesNotCount() {
        // Steady 20 ms while the JIT compiles 5 ms per window, until pass 200; then 8 ms with the JIT idle.
        AtomicInteger n = new AtomicInteger();
        AtomicLong jit = new AtomicLong();
        WarmUp.Result r = WarmUp.untilStable(() -> {
            int i = n.incrementAndGet();
            if (i <= 200 && i % 10 == 0) {
                jit.addAndGet(5);
            }
            return i <= 200 ? 20 : 8;
        }, jit::get, 10_000, 1e9);
        assertTrue(r.settled());
        assertEquals(230, r.passes());
        assertEquals(8, r.lastMedianMs());
    }

    @Test
    void noisyOrStillImprovingTimesRunToTheLimitAndSaySo() {
        AtomicInteger n = new AtomicInteger();
        // Each window 5% faster than the one before: never within 3%.
        WarmUp.Result r = WarmUp.untilStable(() -> 100 * Math.pow(0.95, n.getAndIncrement() / 10), () -> 0, 200, 1e9);
        assertFalse(r.settled());
        assertEquals(200, r.passes());
        WarmUp.Result timeLimited = WarmUp.untilStable(() -> 1000, () -> 0, 10_000, 5);
        assertFalse(timeLimited.settled());
        assertEquals(5, timeLimited.passes());
        // Steady times but a JIT that never rests: not settled either.
        AtomicLong jit = new AtomicLong();
        WarmUp.Result busy = WarmUp.untilStable(() -> 10, () -> jit.addAndGet(5), 300, 1e9);
        assertFalse(busy.settled());
        assertEquals(300, busy.passes());
    }

    @Test
    void aFixedCountRunsExactlyThatMany() {
        AtomicInteger n = new AtomicInteger();
        WarmUp.Result r = WarmUp.untilStable(() -> {
            n.incrementAndGet();
            return 1;
        }, () -> 0, 7, Double.POSITIVE_INFINITY);
        assertEquals(7, n.get());
        assertEquals(7, r.passes());
        WarmUp.Result none = WarmUp.untilStable(() -> 1, () -> 0, 0, Double.POSITIVE_INFINITY);
        assertEquals(0, none.passes());
    }
}
