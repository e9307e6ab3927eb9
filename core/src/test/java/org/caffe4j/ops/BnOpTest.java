package org.caffe4j.ops;

import org.caffe4j.MalformedModelException;
import org.caffe4j.ShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BnOpTest extends OpTestBase {
    static Tensor perChannel(Random rnd, int c, double lo, double hi) {
        return uniform(rnd, lo, hi, 1, c, 1, 1);
    }

    /** y = a[c] * x + b[c], or with statistics (x - mean) / sqrt(var + eps) * a + b, in double. */
    static double[] expected(Tensor x, Tensor a, Tensor b, Tensor mean, Tensor var, double eps) {
        int[] s = x.shape();
        int c = s[1], inner = x.data().length / (s[0] * c);
        double[] y = new double[x.data().length];
        for (int i = 0; i < y.length; i++) {
            int ch = (i / inner) % c;
            double v = x.data()[i];
            if (mean != null) {
                v = (v - mean.data()[ch]) / Math.sqrt(var.data()[ch] + eps);
            }
            y[i] = v * a.data()[ch] + b.data()[ch];
        }
        return y;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void pspnetFormNormalizesWithTheStoredStatistics(long seed) {
        Random rnd = new Random(seed);
        int c = size(rnd, 1, 6);
        int[] shape = seed % 3 == 0 ? new int[]{size(rnd, 1, 3), c} : new int[]{size(rnd, 1, 3), c, size(rnd, 1, 7),
                size(rnd, 1, 7)};
        Tensor x = random(rnd, shape), slope = perChannel(rnd, c, -2, 2), bias = perChannel(rnd, c, -1, 1);
        Tensor mean = perChannel(rnd, c, -1, 1), var = perChannel(rnd, c, 0.01, 3);
        double eps = seed > 3 ? 1e-3 : 1e-5;
        String params = seed > 3 ? "bn_param { eps: 0.001 momentum: 0.95 frozen: true }" : "";
        Tensor y = runOne(layer("BN", "x0", seed % 2 == 1 ? "x0" : "y", params), List.of(slope, bias, mean, var), x);
        assertTensor(Tolerance.CLOSE, shape, expected(x, slope, bias, mean, var, eps), y);
    }

    @Test
    void segnetInferenceFormScalesAndShifts() {
        Random rnd = new Random(9);
        Tensor x = random(rnd, 2, 3, 4, 5), scale = perChannel(rnd, 3, -2, 2), shift = perChannel(rnd, 3, -1, 1);
        Tensor y = runOne(layer("BN", "x0", "y", "bn_param { bn_mode: INFERENCE scale_filler { type: \"constant\" } }"),
                List.of(scale, shift), x);
        assertTensor(Tolerance.CLOSE, x.shape(), expected(x, scale, shift, null, null, 0), y);
    }

    @Test
    void refusesSegnetLearnModeAndMixedFields() {
        Random rnd = new Random(1);
        Tensor x = random(rnd, 1, 2, 3, 3), s = perChannel(rnd, 2, 0, 1);
        assertRejected(UnsupportedLayerException.class, "BN", "bn_param.bn_mode",
                layer("BN", "x0", "y", "bn_param { bn_mode: LEARN }"), List.of(s, s), x);
        assertRejected(UnsupportedLayerException.class, "BN", "bn_param.bn_mode",
                layer("BN", "x0", "y", "bn_param { shift_filler { type: \"constant\" } }"), List.of(s, s), x);
        assertRejected(ShapeException.class, "BN", "bn_param",
                layer("BN", "x0", "y", "bn_param { bn_mode: INFERENCE eps: 0.001 }"), List.of(s, s), x);
    }

    @Test
    void refusesBadEpsAndBottoms() {
        Random rnd = new Random(1);
        Tensor x = random(rnd, 1, 2, 3, 3), s = perChannel(rnd, 2, 0, 1);
        assertRejected(ShapeException.class, "BN", "bn_param.eps", layer("BN", "x0", "y", "bn_param { eps: -1 }"),
                List.of(s, s, s, s), x);
        assertRejected(ShapeException.class, "BN", "bn_param.eps", layer("BN", "x0", "y", "bn_param { eps: inf }"),
                List.of(s, s, s, s), x);
        assertRejected(ShapeException.class, "BN", "bottom", layer("BN", "x0", "y", ""), List.of(s, s, s, s),
                random(rnd, 1, 2, 2, 2, 2));
    }

    @Test
    void refusesTheOtherFormsBlobCount() {
        Random rnd = new Random(1);
        Tensor x = random(rnd, 1, 2, 3, 3), s = perChannel(rnd, 2, 0, 1);
        var e = assertThrows(MalformedModelException.class, () -> load(layer("BN", "x0", "y", ""), List.of(s, s), true, x)
                .close());
        assertTrue(e.getMessage().contains("layer 'op' (BN)") && e.getMessage().contains("expected 4"), e.getMessage());
    }

    @Test
    void batchFollowsTheInput() {
        Random rnd = new Random(3);
        assertBatchFollowsInput(layer("BN", "x0", "y", ""), List.of(perChannel(rnd, 2, -1, 1), perChannel(rnd, 2, -1, 1),
                perChannel(rnd, 2, -1, 1), perChannel(rnd, 2, 0.5, 2)), random(rnd, 3, 2, 3, 4));
    }
}
