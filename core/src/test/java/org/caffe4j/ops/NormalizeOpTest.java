package org.caffe4j.ops;

import org.caffe4j.MalformedModelException;
import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Random;

class NormalizeOpTest extends OpTestBase {
    /** across_spatial | channel_shared | eps | bottom shape | seed. */
    @ParameterizedTest
    @CsvSource({
            "true,  true,  1e-10, 2x3x4x5, 1",
            "false, false, 1e-10, 2x3x4x5, 2",
            "true,  false, 0.5,   1x4x3x3, 3",
            "false, true,  0.25,  3x2x5x1, 4",
            "false, false, 1e-10, 2x6,     5",
            "true,  false, 1e-10, 2x3x7,   6"})
    void dividesByTheL2NormThenScales(boolean acrossSpatial, boolean channelShared, float eps, String shape,
                                      long seed) {
        int[] dims = java.util.Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        Random rnd = new Random(seed);
        Tensor x = random(rnd, dims);
        int channels = dims[1];
        Tensor scale = channelShared ? uniform(rnd, 1, 20, 1) : uniform(rnd, 1, 20, channels);
        String params = "norm_param { across_spatial: " + acrossSpatial + " channel_shared: " + channelShared
                + " eps: " + eps + " }";
        Tensor y = runOne(layer("Normalize", "x0", seed % 2 == 0 ? "x0" : "y", params), List.of(scale), x);

        int num = dims[0];
        int spatial = (int) (count(dims) / num / channels);
        double[] expected = new double[x.data().length];
        for (int n = 0; n < num; n++) {
            int base = n * channels * spatial;
            double whole = eps;
            for (int i = 0; i < channels * spatial; i++) {
                whole += (double) x.data()[base + i] * x.data()[base + i];
            }
            for (int s = 0; s < spatial; s++) {
                double local = eps;
                for (int c = 0; c < channels; c++) {
                    double v = x.data()[base + c * spatial + s];
                    local += v * v;
                }
                double norm = Math.sqrt(acrossSpatial ? whole : local);
                for (int c = 0; c < channels; c++) {
                    int i = base + c * spatial + s;
                    expected[i] = x.data()[i] / norm * scale.data()[channelShared ? 0 : c];
                }
            }
        }
        assertTensor(Tolerance.CLOSE, dims, expected, y);
    }

    @Test
    void epsKeepsAZeroImageFinite() {
        Tensor x = new Tensor(new int[]{1, 2, 1, 2}, new float[]{0, 0, 3, 0});
        Tensor scale = new Tensor(new int[]{1}, new float[]{2});
        // Position 1 is all zero: 0 / sqrt(eps) = 0, not NaN.
        assertTensor(Tolerance.CLOSE, new int[]{1, 2, 1, 2}, new double[]{0, 0, 2, 0},
                runOne(layer("Normalize", "x0", "y", "norm_param { across_spatial: false }"), List.of(scale), x));
    }

    @Test
    void rejectsBadEpsAxesAndScaleBlob() {
        Tensor x = random(new Random(1), 1, 3, 2, 2);
        Tensor one = new Tensor(new int[]{1}, new float[]{1});
        assertRejected(ShapeException.class, "Normalize", "norm_param.eps",
                layer("Normalize", "x0", "y", "norm_param { eps: -1 }"), List.of(one), x);
        assertRejected(ShapeException.class, "Normalize", "norm_param.eps",
                layer("Normalize", "x0", "y", "norm_param { eps: nan }"), List.of(one), x);
        assertRejected(ShapeException.class, "Normalize", "bottom[0]",
                layer("Normalize", "x0", "y", ""), List.of(one), random(new Random(2), 6));
        assertRejected(ShapeException.class, "Normalize", "bottom[0]",
                layer("Normalize", "x0", "y", ""), List.of(one), random(new Random(2), 1, 2, 2, 2, 2));
        // channel_shared: false needs one scale per channel.
        assertRejected(ShapeException.class, "Normalize", "blobs[0]",
                layer("Normalize", "x0", "y", "norm_param { channel_shared: false }"), List.of(one), x);
        assertRejected(MalformedModelException.class, "Normalize", "blobs",
                layer("Normalize", "x0", "y", ""), List.of(), x);
    }

    @Test
    void batchFollowsTheInput() {
        Tensor scale = uniform(new Random(3), 1, 20, 4);
        assertBatchFollowsInput(layer("Normalize", "x0", "y", "norm_param { across_spatial: false channel_shared: false }"),
                List.of(scale), random(new Random(5), 3, 4, 2, 3));
    }
}
