package org.caffe4j.jmh;

import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;

import java.util.Random;

/** What the benchmarks share: their worker threads and seeded inputs. */
final class Workers {
    private Workers() {
    }

    /** {@code threads} workers; one runs on the calling thread. */
    static Parallel pool(int threads) {
        return threads == 1 ? Parallel.SERIAL : new ThreadPoolParallel(threads);
    }

    static void close(Parallel par) {
        if (par instanceof ThreadPoolParallel pool) {
            pool.close();
        }
    }

    /** Uniform values in [-scale, scale). */
    static float[] random(Random rnd, int size, float scale) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return x;
    }
}
