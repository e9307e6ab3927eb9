package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

class BiasOpTest extends OpTestBase {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void learnedBiasOverRandomAxes(long seed) {
        Random rnd = new Random(seed);
        int[] shape = randomShape(rnd);
        int axis = rnd.nextInt(shape.length);
        int numAxes = rnd.nextInt(shape.length - axis + 2) - 1;
        int span = numAxes == -1 ? shape.length - axis : numAxes;
        Tensor x = random(rnd, shape), b = random(rnd, Arrays.copyOfRange(shape, axis, axis + span));
        Tensor y = runOne(layer("Bias", "x0", seed % 2 == 1 ? "x0" : "y",
                "bias_param { axis: " + axis + " num_axes: " + numAxes + " }"), List.of(b), x);
        assertTensor(Tolerance.CLOSE, shape, ScaleOpTest.expected(x, axis, span, null, b.data()), y);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void biasFromSecondBottom(long seed) {
        Random rnd = new Random(seed);
        int[] shape = {size(rnd, 1, 3), size(rnd, 1, 6), size(rnd, 1, 5)};
        int axis = 1 + rnd.nextInt(2);
        int[] bShape = Arrays.copyOfRange(shape, axis, 3);
        Tensor x = random(rnd, shape), b = random(rnd, bShape);
        Tensor y = runOne(layer("Bias", "x0 x1", "y", "bias_param { axis: " + axis + " }"), x, b);
        assertTensor(Tolerance.CLOSE, shape, ScaleOpTest.expected(x, axis, bShape.length, null, b.data()), y);
    }

    @Test
    void rejectsNumAxesPastTheEnd() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Bias", "bias_param.num_axes",
                layer("Bias", "x0", "y", "bias_param { axis: 1 num_axes: 2 }"), List.of(random(new Random(2), 3)), x);
    }

    @Test
    void rejectsBiasBlobOfWrongShape() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Bias", "blobs[0]", layer("Bias", "x0", "y", ""),
                List.of(random(new Random(2), 4)), x);
    }
}
