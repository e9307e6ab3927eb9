package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class EltwiseOpTest extends OpTestBase {
    static Tensor[] inputs(Random rnd, int n, int[] shape) {
        Tensor[] t = new Tensor[n];
        for (int i = 0; i < n; i++) {
            t[i] = random(rnd, shape);
        }
        return t;
    }

    static String bottoms(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append("x").append(i);
        }
        return sb.toString();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void sumWithCoefficients(long seed) {
        Random rnd = new Random(seed);
        int n = 2 + rnd.nextInt(3);
        int[] shape = randomShape(rnd);
        Tensor[] x = inputs(rnd, n, shape);
        double[] coeff = new double[n];
        StringBuilder params = new StringBuilder("eltwise_param { operation: SUM");
        for (int i = 0; i < n; i++) {
            coeff[i] = seed % 3 == 0 ? 1 : rnd.nextInt(9) / 4.0 - 1;
            if (seed % 3 != 0) {
                params.append(" coeff: ").append(coeff[i]);
            }
        }
        params.append(" }");
        double[] expected = new double[x[0].data().length];
        for (int i = 0; i < expected.length; i++) {
            for (int b = 0; b < n; b++) {
                expected[i] += coeff[b] * x[b].data()[i];
            }
        }
        Tensor y = runOne(layer("Eltwise", bottoms(n), seed % 2 == 1 ? "x0" : "y", params.toString()), x);
        assertTensor(Tolerance.CLOSE, shape, expected, y);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void productAndMax(long seed) {
        Random rnd = new Random(seed);
        int n = 2 + rnd.nextInt(3);
        int[] shape = randomShape(rnd);
        Tensor[] x = inputs(rnd, n, shape);
        double[] prod = new double[x[0].data().length], max = new double[prod.length];
        for (int i = 0; i < prod.length; i++) {
            prod[i] = 1;
            max[i] = Double.NEGATIVE_INFINITY;
            for (Tensor t : x) {
                prod[i] *= t.data()[i];
                max[i] = Math.max(max[i], t.data()[i]);
            }
        }
        assertTensor(Tolerance.CLOSE, shape, prod,
                runOne(layer("Eltwise", bottoms(n), "y", "eltwise_param { operation: PROD }"), x));
        assertTensor(Tolerance.EXACT, shape, max,
                runOne(layer("Eltwise", bottoms(n), "y", "eltwise_param { operation: MAX }"), x));
    }

    @Test
    void sameBlobTwiceDoublesIt() {
        Tensor x = random(new Random(3), 2, 5);
        double[] expected = new double[10];
        for (int i = 0; i < 10; i++) {
            expected[i] = 2.0 * x.data()[i];
        }
        assertTensor(Tolerance.EXACT, x.shape(), expected, runOne(layer("Eltwise", "x0 x0", "x0", ""), x));
    }

    @Test
    void rejectsCoefficientsForProduct() {
        Random rnd = new Random(1);
        Tensor a = random(rnd, 2, 3);
        assertRejected(ShapeException.class, "Eltwise", "eltwise_param.coeff",
                layer("Eltwise", "x0 x1", "y", "eltwise_param { operation: PROD coeff: 1 coeff: 2 }"), a, a);
    }

    @Test
    void maxIgnoresCoefficientsAndTakesTheSecondOnTiesAsCaffe() {
        // Caffe: a > b ? a : b, so -0 vs 0 and NaN in the first bottom take the second bottom's value.
        Tensor a = new Tensor(new int[]{1, 4}, new float[]{0f, Float.NaN, 2f, -1f});
        Tensor b = new Tensor(new int[]{1, 4}, new float[]{-0f, 5f, 1f, 3f});
        Tensor y = runOne(layer("Eltwise", "x0 x1", "y", "eltwise_param { operation: MAX coeff: 7 coeff: 9 }"), a, b);
        org.junit.jupiter.api.Assertions.assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y.data()[0]),
                "tie 0 vs -0 takes the second bottom");
        assertTensor(Tolerance.EXACT, new int[]{1, 4}, new double[]{-0.0, 5, 2, 3}, y);
    }

    @Test
    void rejectsWrongCoefficientCount() {
        Random rnd = new Random(1);
        Tensor a = random(rnd, 2, 3);
        assertRejected(ShapeException.class, "Eltwise", "eltwise_param.coeff",
                layer("Eltwise", "x0 x1", "y", "eltwise_param { coeff: 1 }"), a, a);
    }

    @Test
    void rejectsDifferentShapes() {
        Random rnd = new Random(1);
        assertRejected(ShapeException.class, "Eltwise", "bottom[1]", layer("Eltwise", "x0 x1", "y", ""),
                random(rnd, 2, 3), random(rnd, 3, 2));
    }

    /** FlowNet 2.0's fork scales a blob with a one-bottom SUM; PROD and MAX still need two. */
    @Test
    void singleBottomSumScalesAndOnlySum() {
        Tensor x = random(new Random(1), 2, 3);
        Tensor y = runOne(layer("Eltwise", "x0", "y", "eltwise_param { operation: SUM coeff: 20 }"), x);
        double[] expected = new double[6];
        for (int i = 0; i < 6; i++) {
            expected[i] = 20f * x.data()[i];
        }
        assertTensor(Tolerance.EXACT, new int[]{2, 3}, expected, y);
        assertRejected(ShapeException.class, "Eltwise", "bottom", layer("Eltwise", "x0", "y",
                "eltwise_param { operation: MAX }"), x);
        assertRejected(ShapeException.class, "Eltwise", "bottom", layer("Eltwise", "x0", "y",
                "eltwise_param { operation: PROD }"), x);
    }
}
