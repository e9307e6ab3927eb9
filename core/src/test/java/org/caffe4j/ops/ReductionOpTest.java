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

class ReductionOpTest extends OpTestBase {
    private static final String[] OPERATIONS = {"SUM", "ASUM", "SUMSQ", "MEAN"};

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void reducesEveryAxisFromAxisOn(long seed) {
        Random rnd = new Random(seed);
        int[] shape = randomShape(rnd);
        int axis = rnd.nextInt(shape.length);
        String op = OPERATIONS[(int) (seed % 4)];
        double coeff = seed > 4 ? -1.5 : 1;
        Tensor x = random(rnd, shape);
        int written = seed % 3 == 0 ? axis - shape.length : axis;
        Tensor y = runOne(layer("Reduction", "x0", "y", "reduction_param { operation: " + op + " axis: " + written
                + (seed > 4 ? " coeff: -1.5" : "") + " }"), x);
        int[] outShape = Arrays.copyOf(shape, axis);
        int num = (int) count(outShape), dim = x.data().length / num;
        double[] expected = new double[num];
        for (int n = 0; n < num; n++) {
            double acc = 0;
            for (int i = 0; i < dim; i++) {
                double v = x.data()[n * dim + i];
                acc += switch (op) {
                    case "ASUM" -> Math.abs(v);
                    case "SUMSQ" -> v * v;
                    default -> v;
                };
            }
            expected[n] = coeff * (op.equals("MEAN") ? acc / dim : acc);
        }
        assertTensor(Tolerance.APPROX, outShape, expected, y);
    }

    @Test
    void defaultAxisZeroGivesAScalar() {
        Tensor x = new Tensor(new int[]{2, 2}, new float[]{1, -2, 3, 4});
        Tensor y = runOne(layer("Reduction", "x0", "y", ""), x);
        assertTensor(Tolerance.EXACT, new int[]{}, new double[]{6}, y);
    }

    @Test
    void rejectsAxisOutOfRange() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Reduction", "reduction_param.axis",
                layer("Reduction", "x0", "y", "reduction_param { axis: 2 }"), x);
        assertRejected(ShapeException.class, "Reduction", "reduction_param.axis",
                layer("Reduction", "x0", "y", "reduction_param { axis: -3 }"), x);
    }

    @Test
    void rejectsNonFiniteCoeff() {
        assertRejected(ShapeException.class, "Reduction", "reduction_param.coeff",
                layer("Reduction", "x0", "y", "reduction_param { coeff: inf }"), random(new Random(1), 2, 3));
    }

    @Test
    void batchFollowsTheInput() {
        assertBatchFollowsInput(layer("Reduction", "x0", "y", "reduction_param { operation: ASUM axis: 1 }"),
                List.of(), random(new Random(4), 3, 2, 4));
    }
}
