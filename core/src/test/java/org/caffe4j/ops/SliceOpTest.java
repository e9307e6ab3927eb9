package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Random;

class SliceOpTest extends OpTestBase {
    /** The part [from, from + len) of x along axis, element by element. */
    static double[] part(Tensor x, int axis, int from, int len, int[] outShape) {
        int[] os = ConcatOpTest.strides(outShape), is = ConcatOpTest.strides(x.shape());
        double[] out = new double[(int) count(outShape)];
        for (int i = 0; i < out.length; i++) {
            int flat = 0;
            for (int a = 0; a < outShape.length; a++) {
                int idx = i / os[a] % outShape[a];
                flat += (a == axis ? idx + from : idx) * is[a];
            }
            out[i] = x.data()[flat];
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void slicesAtRandomPointsOrEqually(long seed) {
        Random rnd = new Random(seed);
        int[] shape = randomShape(rnd);
        int axis = rnd.nextInt(shape.length);
        int tops = 1 + rnd.nextInt(3);
        boolean equal = seed % 2 == 0;
        shape[axis] = equal ? tops * size(rnd, 1, 3) : tops + rnd.nextInt(4);
        int[] starts = new int[tops + 1];
        StringBuilder params = new StringBuilder(seed % 4 == 3 ? "slice_param { slice_dim: " + axis
                : "slice_param { axis: " + (seed % 3 == 0 ? axis - shape.length : axis));
        for (int t = 1; t < tops; t++) {
            if (equal) {
                starts[t] = t * shape[axis] / tops;
            } else {
                // Strictly increasing points inside (0, length).
                starts[t] = starts[t - 1] + 1 + rnd.nextInt(shape[axis] - starts[t - 1] - (tops - t));
                params.append(" slice_point: ").append(starts[t]);
            }
        }
        starts[tops] = shape[axis];
        params.append(" }");
        StringBuilder topNames = new StringBuilder();
        for (int t = 0; t < tops; t++) {
            topNames.append(t == 0 ? "" : " ").append("y").append(t);
        }
        Tensor x = random(rnd, shape);
        Map<String, Tensor> out = run(layer("Slice", "x0", topNames.toString(), params.toString()), x);
        for (int t = 0; t < tops; t++) {
            int[] s = shape.clone();
            s[axis] = starts[t + 1] - starts[t];
            assertTensor(Tolerance.EXACT, s, part(x, axis, starts[t], s[axis], s), out.get("y" + t));
        }
    }

    @Test
    void rejectsWrongNumberOfSlicePoints() {
        Tensor x = random(new Random(1), 2, 6);
        assertRejected(ShapeException.class, "Slice", "slice_param.slice_point",
                layer("Slice", "x0", "a b", "slice_param { slice_point: 1 slice_point: 3 }"), x);
    }

    @Test
    void rejectsUnequalSplit() {
        Tensor x = random(new Random(1), 2, 7);
        assertRejected(ShapeException.class, "Slice", "top", layer("Slice", "x0", "a b", ""), x);
    }

    @Test
    void rejectsSlicePointAtTheEnd() {
        Tensor x = random(new Random(1), 2, 6);
        assertRejected(ShapeException.class, "Slice", "slice_param.slice_point",
                layer("Slice", "x0", "a b", "slice_param { slice_point: 6 }"), x);
    }

    @Test
    void rejectsDecreasingSlicePoints() {
        Tensor x = random(new Random(1), 2, 6);
        assertRejected(ShapeException.class, "Slice", "slice_param.slice_point",
                layer("Slice", "x0", "a b c", "slice_param { slice_point: 3 slice_point: 2 }"), x);
    }

    @Test
    void batchFollowsTheInput() {
        assertBatchFollowsInput(layer("Slice", "x0", "a b", "slice_param { axis: 1 slice_point: 1 }"), java.util.List.of(),
                random(new Random(5), 3, 4, 2));
    }
}
