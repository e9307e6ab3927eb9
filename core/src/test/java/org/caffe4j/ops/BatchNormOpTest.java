package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.MalformedModelException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

class BatchNormOpTest extends OpTestBase {
    static double[] expected(Tensor x, Tensor mean, Tensor var, float s, double eps) {
        int[] shape = x.shape();
        int c = shape.length == 1 ? 1 : shape[1];
        int inner = (int) (count(shape) / shape[0] / c);
        double factor = s == 0 ? 0 : 1.0 / s;
        double[] out = new double[x.data().length];
        for (int i = 0; i < out.length; i++) {
            int ch = (i / inner) % c;
            out[i] = (x.data()[i] - mean.data()[ch] * factor) / Math.sqrt(var.data()[ch] * factor + eps);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void normalizesWithStoredStatisticsDividedByScaleFactor(long seed) {
        Random rnd = new Random(seed);
        int[] shape = randomShape(rnd);
        int c = shape.length == 1 ? 1 : shape[1];
        Tensor x = random(rnd, shape);
        Tensor mean = uniform(rnd, -3, 3, c), var = uniform(rnd, 0.1, 4, c);
        float s = new float[]{1f, 0.5f, 999.9f, 0f, 3f, 1f}[(int) (seed - 1)];
        double eps = seed % 3 == 0 ? 1e-3 : 1e-5;
        String params = seed % 3 == 0 ? "batch_norm_param { eps: 0.001 use_global_stats: true }" : "";
        Tensor y = runOne(layer("BatchNorm", "x0", seed % 2 == 1 ? "x0" : "y", params),
                List.of(mean, var, new Tensor(new int[]{1}, new float[]{s})), x);
        assertTensor(Tolerance.CLOSE, shape, expected(x, mean, var, s, eps), y);
    }

    @Test
    void zeroScaleFactorZeroesTheStatistics() {
        Random rnd = new Random(3);
        Tensor x = random(rnd, 2, 3, 4, 5);
        Tensor mean = random(rnd, 3), var = uniform(rnd, 1, 2, 3);
        Tensor y = runOne(layer("BatchNorm", "x0", "y", ""), List.of(mean, var, new Tensor(new int[]{1}, new float[]{0})), x);
        double[] e = new double[x.data().length];
        for (int i = 0; i < e.length; i++) {
            e[i] = x.data()[i] / Math.sqrt(1e-5);
        }
        assertTensor(Tolerance.CLOSE, x.shape(), e, y);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void useGlobalStatsFalseNormalizesByTheBatchItself(long seed) {
        Random rnd = new Random(seed);
        int[] shape = {size(rnd, 1, 3), size(rnd, 1, 5), size(rnd, 1, 6), size(rnd, 1, 6)};
        int c = shape[1], spatial = shape[2] * shape[3];
        Tensor x = uniform(rnd, -1, 3, shape);
        // The stored statistics must be ignored: give nonsense ones.
        List<Tensor> blobs = List.of(uniform(rnd, 50, 60, c), uniform(rnd, 50, 60, c), new Tensor(new int[]{1}, new float[]{2}));
        Tensor y = runOne(layer("BatchNorm", "x0", seed % 2 == 1 ? "x0" : "y",
                "batch_norm_param { use_global_stats: false eps: 0.01 }"), blobs, x);
        double[] expected = new double[x.data().length];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0, sq = 0;
            int count = shape[0] * spatial;
            for (int n = 0; n < shape[0]; n++) {
                for (int i = 0; i < spatial; i++) {
                    sum += x.data()[(n * c + ch) * spatial + i];
                }
            }
            double mean = sum / count;
            for (int n = 0; n < shape[0]; n++) {
                for (int i = 0; i < spatial; i++) {
                    double d = x.data()[(n * c + ch) * spatial + i] - mean;
                    sq += d * d;
                }
            }
            double std = Math.sqrt(sq / count + 0.01);
            for (int n = 0; n < shape[0]; n++) {
                for (int i = 0; i < spatial; i++) {
                    int at = (n * c + ch) * spatial + i;
                    expected[at] = (x.data()[at] - mean) / std;
                }
            }
        }
        assertTensor(Tolerance.APPROX, shape, expected, y);
    }

    @Test
    void rejectsNonFiniteEps() {
        Random rnd = new Random(3);
        Tensor x = random(rnd, 2, 3);
        assertRejected(ShapeException.class, "BatchNorm", "batch_norm_param.eps",
                layer("BatchNorm", "x0", "y", "batch_norm_param { eps: inf }"),
                List.of(random(rnd, 3), random(rnd, 3), random(rnd, 1)), x);
    }

    @Test
    void rejectsMissingScaleFactorBlob() {
        Random rnd = new Random(3);
        Tensor x = random(rnd, 2, 3);
        assertRejected(MalformedModelException.class, "BatchNorm", "blobs",
                layer("BatchNorm", "x0", "y", ""), List.of(random(rnd, 3), random(rnd, 3)), x);
    }

    @Test
    void batchStatisticsFollowTheInputBatch() {
        Random rnd = new Random(5);
        assertBatchFollowsInput(layer("BatchNorm", "x0", "y", "batch_norm_param { use_global_stats: false }"),
                List.of(random(rnd, 3), uniform(rnd, 1, 2, 3), new Tensor(new int[]{1}, new float[]{1})),
                random(rnd, 4, 3, 2, 5));
    }
}
