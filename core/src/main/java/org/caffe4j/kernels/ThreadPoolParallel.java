package org.caffe4j.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed pool of {@code threads - 1} daemon workers plus the calling thread, which takes tasks too.
 *
 * <p>Tasks are handed out one index at a time from a single atomic word holding (generation, front, back), so a
 * worker still finishing an earlier call can never claim an index of the next one; a forEach call allocates
 * nothing. The caller takes indices from the front and the workers from the back: each thread runs a contiguous
 * run of the call's tasks, so a layer split like the one before it finds most of its input in the cache of the
 * thread that wrote it, while the runs still meet wherever the threads' speeds put them (NIN, SqueezeNet 1.1,
 * MobileNet v2 and ResNet-50 took 0.91-0.98 of the time they took with every thread taking the next index;
 * bench/HISTORY.md). Idle workers spin briefly (kernel calls come in quick succession during a forward pass) and
 * then park.
 *
 * <p>One call runs on the pool at a time. A call made while the pool is busy — from another thread running the same
 * model, or from inside a task (nested parallelism) — runs its tasks serially on its own thread instead of waiting,
 * so a call always completes, nothing can deadlock, and (kernels split work by shape only) results are the same.
 * The first failure of a task is rethrown to the caller once every task of the call has finished.
 */
public final class ThreadPoolParallel implements Parallel, AutoCloseable {
    private static final int INDEX_BITS = 22;
    private static final int MAX_TASKS = (1 << INDEX_BITS) - 1;
    private static final long INDEX_MASK = MAX_TASKS;
    private static final int SPINS_BEFORE_PARK = 1 << 14;

    private final int threads;
    private final Thread[] workers;
    /** Set while a call owns the pool; not a reentrant lock, so a task's nested call sees the pool as busy. */
    private final AtomicBoolean busy = new AtomicBoolean();
    /**
     * generation (20 bits) | front (22 bits) | back (22 bits): the caller claims indices from the front, the workers
     * from the back, so each thread runs a contiguous run of the call's tasks (the caller the first ones) and
     * consecutive layers split alike find their inputs in the cache of the thread that wrote them.
     */
    private final AtomicLong state = new AtomicLong();
    /** The current call's task count (set before the call is published, fixed until it has finished). */
    private volatile int callTasks;
    private final AtomicInteger finished = new AtomicInteger();
    private volatile IntConsumer body;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;

    /** @param threads total threads running tasks, including the caller; at least 1 */
    public ThreadPoolParallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::workLoop, "caffe4j-kernel-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public void forEach(int tasks, IntConsumer task) {
        if (tasks <= 0) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("thread pool is closed");
        }
        if (workers.length == 0 || tasks == 1 || tasks > MAX_TASKS || !busy.compareAndSet(false, true)) {
            Parallel.SERIAL.forEach(tasks, task);
            return;
        }
        try {
            body = task;
            caller = Thread.currentThread();
            failure = null;
            finished.set(0);
            long generation = ((state.get() >>> (2 * INDEX_BITS)) + 1) & 0xFFFFF;
            callTasks = tasks;
            state.set((generation << (2 * INDEX_BITS)) | tasks); // publishes the call: front 0, back tasks
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            runFromOneEnd(generation, true);
            for (int spins = 0; finished.get() < tasks; spins++) {
                if (spins < SPINS_BEFORE_PARK) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            body = null;
            Throwable f = failure;
            if (f instanceof RuntimeException re) {
                throw re;
            } else if (f instanceof Error err) {
                throw err;
            } else if (f != null) {
                throw new IllegalStateException(f);
            }
        } finally {
            busy.set(false);
        }
    }

    /** Claims and runs the given generation's indices from the front (caller) or the back (workers) until they meet. */
    private void runFromOneEnd(long generation, boolean front) {
        while (true) {
            long s = state.get();
            int first = (int) ((s >>> INDEX_BITS) & INDEX_MASK);
            int end = (int) (s & INDEX_MASK);
            if ((s >>> (2 * INDEX_BITS)) != generation || first >= end) {
                return;
            }
            int index = front ? first : end - 1;
            if (!state.compareAndSet(s, front ? s + (1L << INDEX_BITS) : s - 1)) {
                continue;
            }
            // The call cannot finish while this index is unfinished, so body and callTasks are still this call's.
            try {
                body.accept(index);
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            } finally {
                if (finished.incrementAndGet() == callTasks) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    private void workLoop() {
        // Generation 0 is the idle state the pool starts in. (Reading the state here instead would miss a call
        // published before this thread first ran.)
        long seen = 0;
        int spins = 0;
        while (!closed) {
            long generation = state.get() >>> (2 * INDEX_BITS);
            if (generation != seen) {
                seen = generation;
                runFromOneEnd(generation, false);
                spins = 0;
            } else if (spins++ < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** Stops the workers; later forEach calls fail. */
    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
