package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class FlattenOpTest extends OpTestBase {
    static double[] values(Tensor x) {
        double[] d = new double[x.data().length];
        for (int i = 0; i < d.length; i++) {
            d[i] = x.data()[i];
        }
        return d;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void mergesTheAxesBetweenAxisAndEndAxis(long seed) {
        Random rnd = new Random(seed);
        int[] shape = randomShape(rnd);
        int r = shape.length;
        int start = rnd.nextInt(r), end = start + rnd.nextInt(r - start);
        int[] expected = new int[r - (end - start)];
        for (int i = 0, o = 0; i < r; i++) {
            if (i <= start || i > end) {
                expected[o++] = shape[i];
            } else {
                expected[o - 1] *= shape[i];
            }
        }
        Tensor x = random(rnd, shape);
        // Negative forms count from the end.
        String params = "flatten_param { axis: " + (seed % 2 == 0 ? start : start - r) + " end_axis: "
                + (seed % 3 == 0 ? end : end - r) + " }";
        Tensor y = runOne(layer("Flatten", "x0", "y", params), x);
        assertTensor(Tolerance.EXACT, expected, values(x), y);
    }

    @Test
    void defaultKeepsTheBatchAxis() {
        Tensor x = random(new Random(2), 3, 2, 5, 7);
        assertTensor(Tolerance.EXACT, new int[]{3, 70}, values(x), runOne(layer("Flatten", "x0", "y", ""), x));
    }

    @Test
    void rejectsEndAxisBeforeAxis() {
        Tensor x = random(new Random(1), 2, 3, 4, 5);
        assertRejected(ShapeException.class, "Flatten", "flatten_param.end_axis",
                layer("Flatten", "x0", "y", "flatten_param { axis: 3 end_axis: 1 }"), x);
    }

    @Test
    void rejectsAxisOutOfRange() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Flatten", "flatten_param.axis",
                layer("Flatten", "x0", "y", "flatten_param { axis: 2 }"), x);
    }
}
