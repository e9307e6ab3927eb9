package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

class ScaleOpTest extends OpTestBase {
    /** x * s[c] (+ b[c]) where c indexes the axes [axis, axis + span) of x. */
    static double[] expected(Tensor x, int axis, int span, float[] s, float[] b) {
        int[] shape = x.shape();
        long inner = 1, dim = 1;
        for (int i = axis + span; i < shape.length; i++) {
            inner *= shape[i];
        }
        for (int i = axis; i < axis + span; i++) {
            dim *= shape[i];
        }
        double[] out = new double[x.data().length];
        for (int i = 0; i < out.length; i++) {
            int c = (int) ((i / inner) % dim);
            out[i] = (s == null ? x.data()[i] : (double) x.data()[i] * s[c]) + (b == null ? 0 : b[c]);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void learnedScaleOverRandomAxes(long seed) {
        Random rnd = new Random(seed);
        int[] shape = randomShape(rnd);
        int axis = rnd.nextInt(shape.length);
        int numAxes = rnd.nextInt(shape.length - axis + 2) - 1; // -1 .. rank - axis
        int span = numAxes == -1 ? shape.length - axis : numAxes;
        boolean bias = rnd.nextBoolean();
        int[] sShape = Arrays.copyOfRange(shape, axis, axis + span);
        Tensor x = random(rnd, shape), s = random(rnd, sShape), b = random(rnd, sShape);
        // Negative axes count from the end.
        int axisParam = rnd.nextBoolean() ? axis : axis - shape.length;
        List<Tensor> w = new ArrayList<>(List.of(s));
        if (bias) {
            w.add(b);
        }
        Tensor y = runOne(layer("Scale", "x0", seed % 2 == 1 ? "x0" : "y", "scale_param { axis: " + axisParam
                + " num_axes: " + numAxes + " bias_term: " + bias + " }"), w, x);
        assertTensor(Tolerance.CLOSE, shape, expected(x, axis, span, s.data(), bias ? b.data() : null), y);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void scaleFromSecondBottomWithLearnedBias(long seed) {
        Random rnd = new Random(seed);
        int[] shape = {size(rnd, 1, 3), size(rnd, 1, 6), size(rnd, 1, 5), size(rnd, 1, 5)};
        int axis = rnd.nextInt(4);
        int span = rnd.nextInt(4 - axis + 1);
        int[] sShape = Arrays.copyOfRange(shape, axis, axis + span);
        Tensor x = random(rnd, shape), s = random(rnd, sShape), b = random(rnd, sShape);
        Tensor y = runOne(layer("Scale", "x0 x1", "y", "scale_param { axis: " + axis + " bias_term: true }"),
                List.of(b), x, s);
        assertTensor(Tolerance.CLOSE, shape, expected(x, span == 0 ? 0 : axis, span, s.data(), b.data()), y);
    }

    @Test
    void defaultIsOneScalePerChannel() {
        Random rnd = new Random(5);
        Tensor x = random(rnd, 2, 3, 4, 5), s = random(rnd, 3);
        Tensor y = runOne(layer("Scale", "x0", "y", ""), List.of(s), x);
        assertTensor(Tolerance.CLOSE, x.shape(), expected(x, 1, 1, s.data(), null), y);
    }

    @Test
    void rejectsNumAxesBelowMinusOne() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Scale", "scale_param.num_axes",
                layer("Scale", "x0", "y", "scale_param { num_axes: -2 }"), List.of(random(new Random(2), 3)), x);
    }

    @Test
    void rejectsAxisOutOfRange() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Scale", "scale_param.axis",
                layer("Scale", "x0", "y", "scale_param { axis: 2 }"), List.of(random(new Random(2), 3)), x);
    }

    @Test
    void rejectsSecondBottomThatDoesNotMatch() {
        Tensor x = random(new Random(1), 2, 3, 4);
        assertRejected(ShapeException.class, "Scale", "bottom[1]",
                layer("Scale", "x0 x1", "y", ""), x, random(new Random(2), 4));
    }
}
