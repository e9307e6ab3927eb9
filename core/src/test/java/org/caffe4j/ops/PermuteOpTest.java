package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PermuteOpTest extends OpTestBase {
    /** bottom shape | permute_param orders | full order (the axes left out follow in their old order). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2x3x4x5 | 0 2 3 1 | 0 2 3 1",
            "2x3x4x5 | 3 2 1 0 | 3 2 1 0",
            "2x3x4x5 | 0 1 2 3 | 0 1 2 3",
            "2x3x4x5 | 2       | 2 0 1 3",
            "2x3x4x5 |         | 0 1 2 3",
            "3x7     | 1       | 1 0",
            "2x1x3x4x2 | 4 0 2 | 4 0 2 1 3",
            // Larger than the fast transpose's 32 x 32 tiles, with ragged edges.
            "2x37x9x11 | 0 2 3 1 | 0 2 3 1",
            "2x9x11x37 | 0 3 1 2 | 0 3 1 2",
            "70x40     | 1       | 1 0",
            "5x33x34   | 2 0 1   | 2 0 1",
            "3x40x1x35 | 0 2 3 1 | 0 2 3 1"})
    void movesEachElementToItsPermutedIndex(String bottom, String orders, String full) {
        int[] in = dims(bottom, "x");
        int[] order = dims(full, " ");
        Tensor x = random(new Random(in.length), in);
        StringBuilder params = new StringBuilder("permute_param {");
        for (int a : orders == null ? new int[0] : dims(orders, " ")) {
            params.append(" order: ").append(a);
        }
        Tensor y = runOne(layer("Permute", "x0", "y", params + " }"), x);
        int[] out = new int[in.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = in[order[i]];
        }
        double[] expected = new double[x.data().length];
        int[] idx = new int[in.length];
        for (int o = 0; o < expected.length; o++) {
            // Top index o -> its coordinates -> the bottom coordinates they came from.
            int rest = o;
            for (int i = out.length - 1; i >= 0; i--) {
                idx[i] = rest % out[i];
                rest /= out[i];
            }
            int[] src = new int[in.length];
            for (int i = 0; i < out.length; i++) {
                src[order[i]] = idx[i];
            }
            int flat = 0;
            for (int a = 0; a < in.length; a++) {
                flat = flat * in[a] + src[a];
            }
            expected[o] = x.data()[flat];
        }
        assertTensor(Tolerance.EXACT, out, expected, y);
    }

    /** Which orders run as a batched transpose: leading axes kept, the two runs after them swapped. */
    @Test
    void ordersThatAreABatchedTranspose() {
        int[] d = {2, 3, 4, 5};
        assertArrayEquals(new int[]{2, 3, 20}, PermuteOp.asTranspose(new int[]{0, 2, 3, 1}, d));
        assertArrayEquals(new int[]{2, 12, 5}, PermuteOp.asTranspose(new int[]{0, 3, 1, 2}, d));
        assertArrayEquals(new int[]{1, 2, 60}, PermuteOp.asTranspose(new int[]{1, 2, 3, 0}, d));
        assertArrayEquals(new int[]{6, 4, 5}, PermuteOp.asTranspose(new int[]{0, 1, 3, 2}, d));
        assertNull(PermuteOp.asTranspose(new int[]{0, 1, 2, 3}, d));
        assertNull(PermuteOp.asTranspose(new int[]{3, 2, 1, 0}, d));
        assertNull(PermuteOp.asTranspose(new int[]{2, 0, 1, 3}, d));
        assertNull(PermuteOp.asTranspose(new int[]{0, 3, 2, 1}, d));
    }

    @Test
    void channelsLastOnASmallBlob() {
        // 1x2x1x3 with channels c0 = 1 2 3, c1 = 4 5 6: order 0,2,3,1 interleaves them.
        Tensor x = new Tensor(new int[]{1, 2, 1, 3}, new float[]{1, 2, 3, 4, 5, 6});
        assertTensor(Tolerance.EXACT, new int[]{1, 1, 3, 2}, new double[]{1, 4, 2, 5, 3, 6},
                runOne(layer("Permute", "x0", "y", "permute_param { order: 0 order: 2 order: 3 order: 1 }"), x));
    }

    @Test
    void rejectsRepeatedAndMissingAxes() {
        Tensor x = random(new Random(1), 2, 3, 4);
        assertRejected(ShapeException.class, "Permute", "permute_param.order",
                layer("Permute", "x0", "y", "permute_param { order: 0 order: 2 order: 2 }"), x);
        assertRejected(ShapeException.class, "Permute", "permute_param.order",
                layer("Permute", "x0", "y", "permute_param { order: 0 order: 3 }"), x);
        assertRejected(ShapeException.class, "Permute", "permute_param.order",
                layer("Permute", "x0", "y", "permute_param { order: 4294967295 }"), x);
    }

    @Test
    void batchFollowsTheInput() {
        assertBatchFollowsInput(layer("Permute", "x0", "y", "permute_param { order: 0 order: 2 order: 3 order: 1 }"),
                List.of(), random(new Random(5), 3, 4, 2, 3));
    }

    private static int[] dims(String s, String sep) {
        return Arrays.stream(s.trim().split(sep)).filter(t -> !t.isEmpty()).mapToInt(Integer::parseInt).toArray();
    }
}
