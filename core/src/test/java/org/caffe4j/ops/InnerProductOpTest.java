package org.caffe4j.ops;

import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

/**
 * InnerProduct through the planner: the lowered packed kernel (GEMV for small batches, SGEMM above) against the
 * reference planner and an in-test double-precision product, with axis, transpose, bias and a fused ReLU.
 */
class InnerProductOpTest extends OpTestBase {
    private static final int[] BATCHES = {1, 3, 8, 11};
    /** An in-place ReLU on the layer's top, which the planner fuses into the InnerProduct. */
    private static final String FUSED_RELU = "layer { name: \"relu\" type: \"ReLU\" bottom: \"y\" top: \"y\" }\n";

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void matchesDoublePrecisionProduct(long seed) {
        Random rnd = new Random(seed);
        int batch = BATCHES[(int) (seed % BATCHES.length)];
        int c = size(rnd, 1, 7), h = size(rnd, 1, 5), w = size(rnd, 1, 5);
        int k = c * h * w;
        int n = size(rnd, 1, 29);
        boolean transpose = seed % 2 == 0;
        boolean bias = seed % 3 != 0;
        boolean relu = seed % 4 < 2;
        Tensor x = random(rnd, batch, c, h, w);
        Tensor weights = random(rnd, transpose ? new int[]{k, n} : new int[]{n, k});
        Tensor b = random(rnd, n);
        String layerText = layer("InnerProduct", "x0", "y", "inner_product_param { num_output: " + n
                + " bias_term: " + bias + " transpose: " + transpose + " }")
                + (relu ? FUSED_RELU : "");
        Tensor y = runOne(layerText, bias ? List.of(weights, b) : List.of(weights), Tolerance.APPROX, x);

        double[] expected = new double[batch * n];
        for (int m = 0; m < batch; m++) {
            for (int j = 0; j < n; j++) {
                double sum = bias ? b.data()[j] : 0;
                for (int i = 0; i < k; i++) {
                    sum += (double) x.data()[m * k + i] * weights.data()[transpose ? i * n + j : j * k + i];
                }
                expected[m * n + j] = relu ? Math.max(sum, 0) : sum;
            }
        }
        assertTensor(Tolerance.APPROX, new int[]{batch, n}, expected, y);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void axisTwoKeepsLeadingDimsAsRows(long seed) {
        Random rnd = new Random(seed);
        Tensor x = random(rnd, 2, 5, 3, 4); // rows = 2 x 5 = 10, K = 12: the SGEMM path
        Tensor weights = random(rnd, 7, 12);
        Tensor y = runOne(layer("InnerProduct", "x0", "y", "inner_product_param { num_output: 7 axis: 2 bias_term: false }"),
                List.of(weights), Tolerance.APPROX, x);
        double[] expected = new double[10 * 7];
        for (int m = 0; m < 10; m++) {
            for (int j = 0; j < 7; j++) {
                double sum = 0;
                for (int i = 0; i < 12; i++) {
                    sum += (double) x.data()[m * 12 + i] * weights.data()[j * 12 + i];
                }
                expected[m * 7 + j] = sum;
            }
        }
        assertTensor(Tolerance.APPROX, new int[]{2, 5, 7}, expected, y);
    }

    @ParameterizedTest
    @ValueSource(longs = {1})
    void batchFollowsInput(long seed) {
        Random rnd = new Random(seed);
        Tensor x = random(rnd, 9, 6, 2, 2);
        assertBatchFollowsInput(layer("InnerProduct", "x0", "y", "inner_product_param { num_output: 13 }")
                + FUSED_RELU, List.of(random(rnd, 13, 24), random(rnd, 13)), Tolerance.APPROX, x);
    }
}
