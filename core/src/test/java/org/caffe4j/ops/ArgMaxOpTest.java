package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class ArgMaxOpTest extends OpTestBase {
    /** Indices of the k largest of values[off + j*stride], j < n, by repeated selection; ties go to the larger index. */
    static int[] best(float[] values, int off, int n, int stride, int k) {
        boolean[] taken = new boolean[n];
        int[] out = new int[k];
        for (int j = 0; j < k; j++) {
            int pick = -1;
            for (int d = n - 1; d >= 0; d--) {
                if (!taken[d] && (pick < 0 || values[off + d * stride] > values[off + pick * stride])) {
                    pick = d;
                }
            }
            taken[pick] = true;
            out[j] = pick;
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void perExampleTopKWithoutAxis(long seed) {
        Random rnd = new Random(seed);
        int[] shape = randomShape(rnd);
        int dim = (int) (count(shape) / shape[0]);
        int k = 1 + rnd.nextInt(Math.min(dim, 4));
        boolean withValues = seed % 2 == 0;
        // Few distinct values, so ties occur.
        Tensor x = new Tensor(shape, new float[(int) count(shape)]);
        for (int i = 0; i < x.data().length; i++) {
            x.data()[i] = rnd.nextInt(5);
        }
        Tensor y = runOne(layer("ArgMax", "x0", "y", "argmax_param { top_k: " + k + " out_max_val: " + withValues + " }"), x);
        int[] outShape = new int[Math.max(3, shape.length)];
        java.util.Arrays.fill(outShape, 1);
        outShape[0] = shape[0];
        outShape[1] = withValues ? 2 : 1;
        outShape[2] = k;
        double[] expected = new double[(int) count(outShape)];
        for (int n = 0; n < shape[0]; n++) {
            int[] b = best(x.data(), n * dim, dim, 1, k);
            for (int j = 0; j < k; j++) {
                expected[n * outShape[1] * k + j] = b[j];
                if (withValues) {
                    expected[n * 2 * k + k + j] = x.data()[n * dim + b[j]];
                }
            }
        }
        assertTensor(Tolerance.EXACT, outShape, expected, y);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void topKAlongAxis(long seed) {
        Random rnd = new Random(seed);
        int[] shape = randomShape(rnd);
        int axis = rnd.nextInt(shape.length);
        int k = 1 + rnd.nextInt(shape[axis]);
        boolean values = seed % 2 == 1;
        Tensor x = random(rnd, shape);
        int inner = (int) (count(shape) / count(java.util.Arrays.copyOf(shape, axis + 1)));
        int outer = (int) (count(java.util.Arrays.copyOf(shape, axis)));
        Tensor y = runOne(layer("ArgMax", "x0", "y", "argmax_param { axis: " + (seed % 3 == 0 ? axis - shape.length : axis)
                + " top_k: " + k + " out_max_val: " + values + " }"), x);
        int[] outShape = shape.clone();
        outShape[axis] = k;
        double[] expected = new double[(int) count(outShape)];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int off = o * shape[axis] * inner + i;
                int[] b = best(x.data(), off, shape[axis], inner, k);
                for (int j = 0; j < k; j++) {
                    expected[(o * k + j) * inner + i] = values ? x.data()[off + b[j] * inner] : b[j];
                }
            }
        }
        assertTensor(Tolerance.EXACT, outShape, expected, y);
    }

    @Test
    void tiesRankTheLargerIndexFirst() {
        Tensor x = new Tensor(new int[]{1, 5}, new float[]{3, 7, 7, 1, 7});
        Tensor y = runOne(layer("ArgMax", "x0", "y", "argmax_param { top_k: 3 }"), x);
        assertTensor(Tolerance.EXACT, new int[]{1, 1, 3}, new double[]{4, 2, 1}, y);
    }

    @Test
    void singleBestAlsoTakesTheLargerIndexOnTies() {
        Tensor x = new Tensor(new int[]{2, 4}, new float[]{5, 1, 5, 2, -1, -1, -3, -1});
        Tensor y = runOne(layer("ArgMax", "x0", "y", ""), x);
        assertTensor(Tolerance.EXACT, new int[]{2, 1, 1}, new double[]{2, 3}, y);
    }

    @Test
    void rejectsTopKLargerThanTheValues() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "ArgMax", "argmax_param.top_k",
                layer("ArgMax", "x0", "y", "argmax_param { top_k: 4 }"), x);
    }

    @Test
    void rejectsTopKZero() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "ArgMax", "argmax_param.top_k",
                layer("ArgMax", "x0", "y", "argmax_param { top_k: 0 }"), x);
    }

    @Test
    void rejectsAxisOutOfRange() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "ArgMax", "argmax_param.axis",
                layer("ArgMax", "x0", "y", "argmax_param { axis: 2 }"), x);
    }

    @Test
    void batchFollowsTheInput() {
        assertBatchFollowsInput(layer("ArgMax", "x0", "y", "argmax_param { top_k: 2 out_max_val: true }"), java.util.List.of(),
                random(new Random(5), 3, 4, 2, 3));
    }
}
