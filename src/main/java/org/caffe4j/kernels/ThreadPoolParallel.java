package org.caffe4j.kernels;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed pool of worker threads. The calling thread takes part in every {@link #forEach}, so a call always
 * completes even when the workers are busy with another caller's tasks (many threads may share one model).
 * Tasks are claimed from a shared counter; which thread runs a task never changes its result.
 */
public final class ThreadPoolParallel implements Parallel, AutoCloseable {
    private final int threads;
    private final ExecutorService workers;

    public ThreadPoolParallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        this.workers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "caffe4j-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
        if (workers == null || tasks == 1) {
            for (int i = 0; i < tasks; i++) {
                task.accept(i);
            }
            return;
        }
        Batch batch = new Batch(tasks, task, Thread.currentThread());
        int helpers = Math.min(threads - 1, tasks - 1);
        for (int i = 0; i < helpers; i++) {
            workers.execute(batch::work);
        }
        batch.work();
        batch.awaitAll();
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    private static final class Batch {
        private final int tasks;
        private final IntConsumer task;
        private final Thread owner;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private volatile Throwable failure;

        Batch(int tasks, IntConsumer task, Thread owner) {
            this.tasks = tasks;
            this.task = task;
            this.owner = owner;
        }

        void work() {
            for (int i; (i = next.getAndIncrement()) < tasks; ) {
                try {
                    if (failure == null) {
                        task.accept(i);
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    if (done.incrementAndGet() == tasks) {
                        LockSupport.unpark(owner);
                    }
                }
            }
        }

        void awaitAll() {
            while (done.get() < tasks) {
                LockSupport.park(this);
            }
            Throwable t = failure;
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }
}
