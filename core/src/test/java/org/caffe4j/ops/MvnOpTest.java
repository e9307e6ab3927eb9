package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

class MvnOpTest extends OpTestBase {
    /** Caffe's MVN in double: per channel (or per image), x - mean, divided by sqrt(var) + eps. */
    static double[] mvn(Tensor x, boolean normalizeVariance, boolean across, double eps) {
        int[] s = x.shape();
        int groups = across ? s[0] : s[0] * (s.length > 1 ? s[1] : 1);
        int dim = x.data().length / groups;
        double[] y = new double[x.data().length];
        for (int g = 0; g < groups; g++) {
            double mean = 0;
            for (int i = 0; i < dim; i++) {
                mean += x.data()[g * dim + i];
            }
            mean /= dim;
            double var = 0;
            for (int i = 0; i < dim; i++) {
                double d = x.data()[g * dim + i] - mean;
                y[g * dim + i] = d;
                var += d * d;
            }
            double std = Math.sqrt(var / dim) + eps;
            for (int i = 0; normalizeVariance && i < dim; i++) {
                y[g * dim + i] /= std;
            }
        }
        return y;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void normalizesPerChannelOrPerImage(long seed) {
        Random rnd = new Random(seed);
        int[] shape = randomShape(rnd);
        boolean normalize = seed % 3 != 0, across = seed % 2 == 0;
        double eps = seed > 3 ? 0.25 : 1e-9;
        Tensor x = uniform(rnd, -3, 5, shape);
        Tensor y = runOne(layer("MVN", "x0", "y", "mvn_param { normalize_variance: " + normalize
                + " across_channels: " + across + (seed > 3 ? " eps: 0.25" : "") + " }"), x);
        assertTensor(Tolerance.APPROX, shape, mvn(x, normalize, across, eps), y);
    }

    @Test
    void epsIsAddedToTheStandardDeviationNotTheVariance() {
        // Values 0 and 2: mean 1, std 1; eps 3 gives (x - 1) / 4, where sqrt(var + eps) would give (x - 1) / 2.
        Tensor x = new Tensor(new int[]{1, 1, 2}, new float[]{0, 2});
        Tensor y = runOne(layer("MVN", "x0", "y", "mvn_param { eps: 3 }"), x);
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, 2}, new double[]{-0.25, 0.25}, y);
    }

    @Test
    void constantChannelsStayFinite() {
        Tensor x = new Tensor(new int[]{1, 2, 3}, new float[]{4, 4, 4, 1, 2, 3});
        Tensor y = runOne(layer("MVN", "x0", "y", ""), x);
        assertTensor(Tolerance.CLOSE, x.shape(), mvn(x, true, false, 1e-9), y);
    }

    @Test
    void rejectsNegativeOrNanEps() {
        Tensor x = random(new Random(1), 1, 2, 3);
        assertRejected(ShapeException.class, "MVN", "mvn_param.eps", layer("MVN", "x0", "y", "mvn_param { eps: -1 }"), x);
        assertRejected(ShapeException.class, "MVN", "mvn_param.eps", layer("MVN", "x0", "y", "mvn_param { eps: nan }"), x);
    }

    @Test
    void rejectsMoreThanFourAxes() {
        assertRejected(ShapeException.class, "MVN", "bottom", layer("MVN", "x0", "y", ""),
                random(new Random(1), 1, 2, 2, 2, 2));
    }

    @Test
    void batchFollowsTheInput() {
        assertBatchFollowsInput(layer("MVN", "x0", "y", ""), List.of(), random(new Random(3), 3, 2, 4, 5));
    }
}
