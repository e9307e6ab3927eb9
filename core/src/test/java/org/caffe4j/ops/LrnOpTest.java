package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class LrnOpTest extends OpTestBase {
    static double at(Tensor x, int n, int c, int h, int w) {
        int[] s = x.shape();
        return x.data()[((n * s[1] + c) * s[2] + h) * s[3] + w];
    }

    static double[] across(Tensor x, int size, double alpha, double beta, double k) {
        int[] s = x.shape();
        double[] out = new double[x.data().length];
        int i = 0;
        for (int n = 0; n < s[0]; n++) {
            for (int c = 0; c < s[1]; c++) {
                for (int h = 0; h < s[2]; h++) {
                    for (int w = 0; w < s[3]; w++) {
                        double sum = 0;
                        for (int cc = c - (size - 1) / 2; cc <= c + (size - 1) / 2; cc++) {
                            if (cc >= 0 && cc < s[1]) {
                                sum += at(x, n, cc, h, w) * at(x, n, cc, h, w);
                            }
                        }
                        out[i++] = at(x, n, c, h, w) * Math.pow(k + alpha / size * sum, -beta);
                    }
                }
            }
        }
        return out;
    }

    /** Caffe's WITHIN_CHANNEL: every window is size x size inside the padded plane, so the divisor is size^2. */
    static double[] within(Tensor x, int size, double alpha, double beta) {
        int[] s = x.shape();
        int half = (size - 1) / 2;
        double[] out = new double[x.data().length];
        int i = 0;
        for (int n = 0; n < s[0]; n++) {
            for (int c = 0; c < s[1]; c++) {
                for (int h = 0; h < s[2]; h++) {
                    for (int w = 0; w < s[3]; w++) {
                        double sum = 0;
                        for (int hh = h - half; hh <= h + half; hh++) {
                            for (int ww = w - half; ww <= w + half; ww++) {
                                if (hh >= 0 && hh < s[2] && ww >= 0 && ww < s[3]) {
                                    sum += at(x, n, c, hh, ww) * at(x, n, c, hh, ww);
                                }
                            }
                        }
                        out[i++] = at(x, n, c, h, w) * Math.pow(1 + alpha * sum / (size * size), -beta);
                    }
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void acrossChannelsOnRandomShapes(long seed) {
        Random rnd = new Random(seed);
        int[] shape = {size(rnd, 1, 3), size(rnd, 1, 9), size(rnd, 1, 6), size(rnd, 1, 6)};
        int size = 1 + 2 * rnd.nextInt(4);
        double alpha = 0.5 + rnd.nextInt(8) / 4.0, beta = 0.25 + rnd.nextInt(4) / 4.0, k = 1 + rnd.nextInt(3);
        Tensor x = random(rnd, shape);
        Tensor y = runOne(layer("LRN", "x0", "y", "lrn_param { local_size: " + size + " alpha: " + alpha + " beta: "
                + beta + " k: " + k + " }"), java.util.List.of(), Tolerance.APPROX, x);
        assertTensor(Tolerance.APPROX, shape, across(x, size, alpha, beta, k), y);
    }

    @Test
    void defaultsAreAlexNetsAcrossChannels() {
        Tensor x = random(new Random(8), 2, 7, 3, 4);
        assertTensor(Tolerance.APPROX, x.shape(), across(x, 5, 1, 0.75, 1), runOne(layer("LRN", "x0", "y", ""),
                java.util.List.of(), Tolerance.APPROX, x));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void withinChannelOnRandomShapes(long seed) {
        Random rnd = new Random(seed);
        int[] shape = {size(rnd, 1, 3), size(rnd, 1, 4), size(rnd, 1, 8), size(rnd, 1, 8)};
        int size = 1 + 2 * rnd.nextInt(3);
        double alpha = 0.5 + rnd.nextInt(8) / 4.0, beta = 0.25 + rnd.nextInt(4) / 4.0;
        Tensor x = random(rnd, shape);
        // k is given but WITHIN_CHANNEL ignores it, as Caffe does.
        Tensor y = runOne(layer("LRN", "x0", "y", "lrn_param { norm_region: WITHIN_CHANNEL local_size: " + size
                + " alpha: " + alpha + " beta: " + beta + " k: 5 }"), x);
        assertTensor(Tolerance.APPROX, shape, within(x, size, alpha, beta), y);
    }

    /** AlexNet's norm1 and norm2 shapes (batch 2): several pixel blocks per image and a 13x13 tail. */
    @ParameterizedTest
    @ValueSource(ints = {55, 27, 13})
    void acrossChannelsOnAlexNetMaps(int side) {
        Tensor x = random(new Random(side), 2, 16, side, side);
        Tensor y = runOne(layer("LRN", "x0", "y", "lrn_param { local_size: 5 alpha: 0.0001 beta: 0.75 }"),
                java.util.List.of(), Tolerance.APPROX, x);
        assertTensor(Tolerance.APPROX, x.shape(), across(x, 5, 0.0001, 0.75, 1), y);
    }

    @Test
    void rejectsEvenLocalSize() {
        Tensor x = random(new Random(1), 1, 4, 3, 3);
        assertRejected(ShapeException.class, "LRN", "lrn_param.local_size",
                layer("LRN", "x0", "y", "lrn_param { local_size: 4 }"), x);
    }

    @Test
    void rejectsNonImageBottom() {
        Tensor x = random(new Random(1), 2, 4);
        assertRejected(ShapeException.class, "LRN", "bottom", layer("LRN", "x0", "y", ""), x);
    }

    @Test
    void batchFollowsTheInput() {
        assertBatchFollowsInput(layer("LRN", "x0", "y", "lrn_param { local_size: 3 norm_region: WITHIN_CHANNEL }"),
                java.util.List.of(), random(new Random(5), 3, 4, 5, 6));
    }
}
