package org.caffe4j.kernels;

import java.util.function.IntConsumer;

/**
 * How kernels spread independent work items over threads. Kernels split their work into a number of tasks
 * that depends only on the problem's shape (never on the thread count), and each task computes its outputs
 * with the same sequence of floating-point operations, so results are bit-identical whatever the thread count.
 */
public interface Parallel {
    /** Runs {@code task.accept(i)} for every i in [0, tasks) and returns when all have finished. */
    void forEach(int tasks, IntConsumer task);

    /** Number of threads that may run tasks at once (a hint for choosing task granularity). */
    int threads();

    /** Runs every task on the calling thread. */
    Parallel SERIAL = new Parallel() {
        @Override
        public void forEach(int tasks, IntConsumer task) {
            for (int i = 0; i < tasks; i++) {
                task.accept(i);
            }
        }

        @Override
        public int threads() {
            return 1;
        }
    };
}
