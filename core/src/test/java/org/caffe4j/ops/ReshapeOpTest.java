package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

class ReshapeOpTest extends OpTestBase {
    /** bottom shape | reshape_param | expected top shape (shapes as x-separated dims). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2x3x4x5 | shape { dim: 0 dim: -1 }                          | 2x60",
            "2x3x4x5 | shape { dim: 6 dim: 2 dim: 10 }                   | 6x2x10",
            "2x3x4x5 | shape { dim: 0 dim: 0 dim: 2 dim: -1 }            | 2x3x2x10",
            "2x3x4x5 | shape { dim: -1 } axis: 1                         | 2x60",
            "2x3x4x5 | shape { dim: 2 dim: 2 } axis: 2 num_axes: 1       | 2x3x2x2x5",
            "2x3x4x5 | shape { dim: 1 dim: 1 } axis: -1                  | 2x3x4x5x1x1",
            "2x3x4x5 | shape { dim: 12 } axis: 1 num_axes: 2             | 2x12x5",
            "2x3x4x5 | shape { dim: 1 } axis: 0 num_axes: 0              | 1x2x3x4x5",
            "3x7     | shape { dim: 7 dim: -1 dim: 1 }                   | 7x3x1",
            "5       | shape { dim: 0 dim: 1 }                           | 5x1"})
    void computesTopShapeAndKeepsValues(String bottom, String params, String top) {
        int[] in = Arrays.stream(bottom.trim().split("x")).mapToInt(Integer::parseInt).toArray();
        int[] out = Arrays.stream(top.trim().split("x")).mapToInt(Integer::parseInt).toArray();
        Tensor x = random(new Random(in.length), in);
        Tensor y = runOne(layer("Reshape", "x0", "y", "reshape_param { " + params + " }"), x);
        assertTensor(Tolerance.EXACT, out, FlattenOpTest.values(x), y);
    }

    @Test
    void rejectsTwoInferredDims() {
        Tensor x = random(new Random(1), 2, 6);
        assertRejected(ShapeException.class, "Reshape", "reshape_param.shape.dim",
                layer("Reshape", "x0", "y", "reshape_param { shape { dim: -1 dim: -1 } }"), x);
    }

    @Test
    void rejectsWrongElementCount() {
        Tensor x = random(new Random(1), 2, 6);
        assertRejected(ShapeException.class, "Reshape", "reshape_param.shape",
                layer("Reshape", "x0", "y", "reshape_param { shape { dim: 5 dim: 2 } }"), x);
    }

    @Test
    void rejectsUninferableDim() {
        Tensor x = random(new Random(1), 2, 6);
        assertRejected(ShapeException.class, "Reshape", "reshape_param.shape",
                layer("Reshape", "x0", "y", "reshape_param { shape { dim: 5 dim: -1 } }"), x);
    }

    @Test
    void rejectsCopyOfMissingAxis() {
        Tensor x = random(new Random(1), 12);
        assertRejected(ShapeException.class, "Reshape", "reshape_param.shape.dim",
                layer("Reshape", "x0", "y", "reshape_param { shape { dim: 0 dim: 0 } }"), x);
    }

    @Test
    void batchFollowsTheInput() {
        assertBatchFollowsInput(layer("Reshape", "x0", "y", "reshape_param { shape { dim: 0 dim: -1 dim: 2 } }"),
                java.util.List.of(), random(new Random(5), 3, 4, 2, 3));
    }
}
