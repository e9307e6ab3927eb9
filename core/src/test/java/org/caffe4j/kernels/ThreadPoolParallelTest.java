package org.caffe4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadPoolParallelTest {
    @Test
    void runsEveryIndexExactlyOnceAcrossManyCalls() {
        try (ThreadPoolParallel pool = new ThreadPoolParallel(3)) {
            for (int tasks : new int[] {0, 1, 2, 3, 7, 64, 1000}) {
                for (int call = 0; call < 50; call++) {
                    AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(tasks, 1));
                    pool.forEach(tasks, seen::incrementAndGet);
                    for (int i = 0; i < tasks; i++) {
                        assertEquals(1, seen.get(i), "task " + i + " of " + tasks);
                    }
                }
            }
        }
    }

    @Test
    void workersAndCallerBothRunTasks() throws Exception {
        try (ThreadPoolParallel pool = new ThreadPoolParallel(2)) {
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            CountDownLatch bothIn = new CountDownLatch(2);
            // Each of the two tasks waits until the other has started, so they must run on two threads at once.
            pool.forEach(2, i -> {
                threads.add(Thread.currentThread());
                bothIn.countDown();
                try {
                    assertTrue(bothIn.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(2, threads.size());
            assertTrue(threads.contains(Thread.currentThread()));
        }
    }

    @Test
    void theCallerRunsTheFirstTasksAndTheWorkerTheLastOnes() throws Exception {
        try (ThreadPoolParallel pool = new ThreadPoolParallel(2)) {
            int tasks = 64;
            AtomicReferenceArray<Thread> ranBy = new AtomicReferenceArray<>(tasks);
            Set<Thread> started = ConcurrentHashMap.newKeySet();
            CountDownLatch bothIn = new CountDownLatch(2);
            pool.forEach(tasks, i -> {
                if (started.add(Thread.currentThread())) {
                    // Each thread's first task waits for the other's, so that both take part from the start.
                    bothIn.countDown();
                    try {
                        assertTrue(bothIn.await(30, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                ranBy.set(i, Thread.currentThread());
                long until = System.nanoTime() + 20_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            });
            Thread caller = Thread.currentThread();
            int firstOfWorker = 0;
            while (firstOfWorker < tasks && ranBy.get(firstOfWorker) == caller) {
                firstOfWorker++;
            }
            assertTrue(firstOfWorker > 0 && firstOfWorker < tasks, "the caller ran " + firstOfWorker + " tasks");
            for (int i = firstOfWorker; i < tasks; i++) {
                assertTrue(ranBy.get(i) != caller, "task " + i + " ran on the caller after the worker's task "
                        + firstOfWorker);
            }
        }
    }

    @Test
    void taskFailureReachesTheCallerAfterTheOtherTasks() {
        try (ThreadPoolParallel pool = new ThreadPoolParallel(2)) {
            AtomicIntegerArray seen = new AtomicIntegerArray(20);
            IllegalArgumentException failure = new IllegalArgumentException("task 5 failed");
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> pool.forEach(20, i -> {
                seen.incrementAndGet(i);
                if (i == 5) {
                    throw failure;
                }
            }));
            assertSame(failure, thrown);
            for (int i = 0; i < 20; i++) {
                assertEquals(1, seen.get(i));
            }
            // The pool still works afterwards.
            AtomicIntegerArray again = new AtomicIntegerArray(4);
            pool.forEach(4, again::incrementAndGet);
            assertEquals(1, again.get(3));
        }
    }

    @Test
    void nestedCallsRunOnTheCallingThreadWithoutDeadlock() {
        try (ThreadPoolParallel pool = new ThreadPoolParallel(2)) {
            AtomicIntegerArray seen = new AtomicIntegerArray(8 * 8);
            pool.forEach(8, outer -> pool.forEach(8, inner -> seen.incrementAndGet(outer * 8 + inner)));
            for (int i = 0; i < 64; i++) {
                assertEquals(1, seen.get(i));
            }
        }
    }

    @Test
    void concurrentCallersAllComplete() throws Exception {
        try (ThreadPoolParallel pool = new ThreadPoolParallel(2)) {
            int callers = 4;
            AtomicIntegerArray sums = new AtomicIntegerArray(callers);
            Thread[] threads = new Thread[callers];
            for (int c = 0; c < callers; c++) {
                int id = c;
                threads[c] = new Thread(() -> {
                    for (int call = 0; call < 200; call++) {
                        pool.forEach(16, i -> sums.addAndGet(id, 1));
                    }
                });
                threads[c].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            for (int c = 0; c < callers; c++) {
                assertEquals(200 * 16, sums.get(c));
            }
        }
    }

    @Test
    void closedPoolRejectsCalls() {
        ThreadPoolParallel pool = new ThreadPoolParallel(2);
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.forEach(4, i -> { }));
        assertThrows(IllegalArgumentException.class, () -> new ThreadPoolParallel(0));
    }
}
