package org.caffe4j.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class PrefetchTest {
    @Test
    void readsWithoutChangingAnythingAndStopsAtTheEnd() {
        float[] a = new float[1000];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        float[] copy = a.clone();
        Prefetch.touch(a, 0, a.length);
        Prefetch.touch(a, 990, 64); // runs past the end: clipped, no exception
        Prefetch.touch(a, 5, 0);
        assertArrayEquals(copy, a);
    }
}
