package org.caffe4j.ops;

import org.caffe4j.CaffeModelException;
import org.caffe4j.ShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mask bottom must hold valid positions, which OpTestBase's random decoy runs do not; the masked cases therefore
 * run the layer themselves, the same way: reference and normal planner, 1 and 2 threads, after a first run on other
 * values (the mask reversed, still valid).
 */
class UpsampleOpTest extends OpTestBase {
    static Tensor runMasked(String text, Tensor x, Tensor mask) {
        float[] decoyMask = new float[mask.data().length];
        for (int i = 0; i < decoyMask.length; i++) {
            decoyMask[i] = mask.data()[decoyMask.length - 1 - i];
        }
        Tensor decoyX = uniform(new Random(99), -50, 50, x.shape());
        Tensor result = null;
        for (boolean reference : new boolean[]{true, false}) {
            for (int threads = 1; threads <= 2; threads++) {
                try (Model m = load(text, List.of(), reference, threads, x, mask)) {
                    m.run(named(decoyX, new Tensor(mask.shape(), decoyMask)));
                    Tensor y = m.run(named(x, mask)).get("y");
                    if (result != null) {
                        Tolerance.EXACT.assertClose("reference=" + reference + " threads=" + threads, result.data(),
                                y.data());
                    }
                    result = result == null ? y : result;
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return result;
    }

    /** The argmax positions of MAX pooling kernel k stride k over an (inH*k - cut) x (inW*k - cut) plane. */
    static Tensor poolingMask(Random rnd, int n, int c, int inH, int inW, int outH, int outW) {
        float[] m = new float[n * c * inH * inW];
        for (int p = 0; p < n * c; p++) {
            for (int y = 0; y < inH; y++) {
                for (int x = 0; x < inW; x++) {
                    int sy = Math.min(outH - 1, y * outH / inH + rnd.nextInt(Math.max(1, outH / inH)));
                    int sx = Math.min(outW - 1, x * outW / inW + rnd.nextInt(Math.max(1, outW / inW)));
                    m[(p * inH + y) * inW + x] = sy * outW + sx;
                }
            }
        }
        return new Tensor(new int[]{n, c, inH, inW}, m);
    }

    /** Zeros, then each value at its mask position, in order. */
    static double[] unpool(Tensor x, Tensor mask, int outPlane) {
        int[] s = x.shape();
        int planes = s[0] * s[1], inPlane = s[2] * s[3];
        double[] y = new double[planes * outPlane];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < inPlane; i++) {
                y[p * outPlane + (int) mask.data()[p * inPlane + i]] = x.data()[p * inPlane + i];
            }
        }
        return y;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
            "'', 3, 4, 6, 8",
            "'scale: 3', 3, 2, 9, 6",
            "'scale_h: 2 scale_w: 3', 4, 3, 8, 9",
            "'pad_out_h: true', 4, 3, 7, 6",
            "'pad_out_h: true pad_out_w: true', 4, 5, 7, 9",
            "'upsample_h: 7 upsample_w: 11', 4, 6, 7, 11",
    })
    void maskedFormPutsEachValueAtItsMaskPosition(String params, int h, int w, int outH, int outW) {
        Random rnd = new Random(h * 10L + w);
        Tensor x = random(rnd, 2, 3, h, w), mask = poolingMask(rnd, 2, 3, h, w, outH, outW);
        Tensor y = runMasked(layer("Upsample", "x0 x1", "y", "upsample_param { " + params + " }"), x, mask);
        assertTensor(Tolerance.EXACT, new int[]{2, 3, outH, outW}, unpool(x, mask, outH * outW), y);
    }

    @Test
    void segnetPairUndoesMaxPoolingThroughItsMaskTop() {
        // SegNet: Pooling MAX with tops (pool, mask), then Upsample(pool, mask) back to the pooled input's size.
        Random rnd = new Random(21);
        Tensor x = random(rnd, 2, 3, 9, 8);
        String net = "layer { name: \"pool\" type: \"Pooling\" bottom: \"x0\" top: \"pool\" top: \"mask\" "
                + "pooling_param { pool: MAX kernel_size: 2 stride: 2 } }\n"
                + layer("Upsample", "pool mask", "y", "upsample_param { upsample_h: 9 upsample_w: 8 }");
        java.util.Map<String, Tensor> out = null;
        for (boolean reference : new boolean[]{true, false}) {
            try (Model m = load(net, List.of(), reference, x)) {
                var all = m.runAllBlobs(named(x));
                if (out != null) {
                    for (String blob : List.of("pool", "mask", "y")) {
                        Tolerance.EXACT.assertClose(blob + " planned vs reference", out.get(blob).data(),
                                all.get(blob).data());
                    }
                }
                out = all;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        float[] pool = out.get("pool").data(), mask = out.get("mask").data(), y = out.get("y").data();
        // Caffe's mask: the position (h * 8 + w) of each window's first largest value.
        for (int p = 0; p < 6; p++) {
            for (int oy = 0; oy < 5; oy++) {
                for (int ox = 0; ox < 4; ox++) {
                    int best = -1;
                    for (int yy = 2 * oy; yy < Math.min(2 * oy + 2, 9); yy++) {
                        for (int xx = 2 * ox; xx < 2 * ox + 2; xx++) {
                            if (best < 0 || x.data()[p * 72 + yy * 8 + xx] > x.data()[p * 72 + best]) {
                                best = yy * 8 + xx;
                            }
                        }
                    }
                    int o = p * 20 + oy * 4 + ox;
                    assertTrue(mask[o] == best && pool[o] == x.data()[p * 72 + best], "window " + o);
                }
            }
        }
        double[] e = new double[y.length];
        for (int p = 0; p < 6; p++) {
            for (int i = 0; i < 72; i++) {
                boolean kept = false;
                for (int o = 0; o < 20; o++) {
                    kept |= mask[p * 20 + o] == i;
                }
                e[p * 72 + i] = kept ? x.data()[p * 72 + i] : 0;
            }
        }
        assertTensor(Tolerance.EXACT, new int[]{2, 3, 9, 8}, e, out.get("y"));
    }

    @Test
    void onlyMaxPoolingHasAMaskTop() {
        assertRejected(ShapeException.class, "Pooling", "top", "layer { name: \"op\" type: \"Pooling\" bottom: \"x0\" "
                + "top: \"p\" top: \"m\" pooling_param { pool: AVE kernel_size: 2 stride: 2 } }\n",
                random(new Random(1), 1, 1, 4, 4));
    }

    @Test
    void laterValuesOverwriteEarlierOnesAndFractionsTruncate() {
        Tensor x = new Tensor(new int[]{1, 1, 1, 3}, new float[]{1, 2, 3});
        Tensor mask = new Tensor(new int[]{1, 1, 1, 3}, new float[]{0.9f, 0f, 3.5f});
        Tensor y = runMasked(layer("Upsample", "x0 x1", "y", ""), x, mask);
        assertTensor(Tolerance.EXACT, new int[]{1, 1, 2, 6}, new double[]{2, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0}, y);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"'', 1, 1", "'scale: 2', 2, 2", "'scale: 3', 3, 3", "'scale_h: 1 scale_w: 2', 1, 2"})
    void nearestFormRepeatsEachValue(String params, int sh, int sw) {
        Tensor x = random(new Random(sh * 7L + sw), 2, 3, 4, 5);
        Tensor y = runOne(layer("Upsample", "x0", "y", "upsample_param { " + params + " }"), x);
        int outH = 4 * sh, outW = 5 * sw;
        double[] e = new double[6 * outH * outW];
        for (int p = 0; p < 6; p++) {
            for (int yy = 0; yy < outH; yy++) {
                for (int xx = 0; xx < outW; xx++) {
                    e[(p * outH + yy) * outW + xx] = x.data()[(p * 4 + yy / sh) * 5 + xx / sw];
                }
            }
        }
        assertTensor(Tolerance.EXACT, new int[]{2, 3, outH, outW}, e, y);
    }

    @Test
    void maskValuesOutsideThePlaneFailTheRunNamingTheLayer() {
        Tensor x = random(new Random(1), 1, 1, 2, 2);
        for (float bad : new float[]{16f, -1f, Float.NaN, 1e10f}) {
            Tensor mask = new Tensor(new int[]{1, 1, 2, 2}, new float[]{0, 5, bad, 7});
            var e = assertThrows(CaffeModelException.class, () -> {
                try (Model m = load(layer("Upsample", "x0 x1", "y", ""), List.of(), true, x, mask)) {
                    m.run(named(x, mask));
                }
            });
            assertTrue(e.getMessage().contains("layer 'op' (Upsample)") && e.getMessage().contains("mask value"),
                    e.getMessage());
        }
    }

    @Test
    void refusesInvalidSizes() {
        Tensor x = random(new Random(1), 1, 2, 3, 3), m = new Tensor(new int[]{1, 2, 3, 3}, new float[18]);
        assertRejected(ShapeException.class, "Upsample", "upsample_param.scale",
                layer("Upsample", "x0 x1", "y", "upsample_param { scale: 1 }"), x, m);
        assertRejected(ShapeException.class, "Upsample", "upsample_param.scale_w",
                layer("Upsample", "x0 x1", "y", "upsample_param { scale_h: 2 }"), x, m);
        assertRejected(ShapeException.class, "Upsample", "upsample_param.scale",
                layer("Upsample", "x0 x1", "y", "upsample_param { scale: 2 scale_h: 2 scale_w: 2 }"), x, m);
        assertRejected(ShapeException.class, "Upsample", "upsample_param.upsample_w",
                layer("Upsample", "x0 x1", "y", "upsample_param { upsample_h: 6 }"), x, m);
        assertRejected(ShapeException.class, "Upsample", "upsample_param.upsample_h",
                layer("Upsample", "x0 x1", "y", "upsample_param { upsample_h: 1 upsample_w: 6 }"), x, m);
        assertRejected(ShapeException.class, "Upsample", "upsample_param.pad_out_h",
                layer("Upsample", "x0 x1", "y", "upsample_param { scale: 3 pad_out_h: true }"), x, m);
        assertRejected(ShapeException.class, "Upsample", "upsample_param.scale",
                layer("Upsample", "x0", "y", "upsample_param { scale: 0 }"), x);
        assertRejected(ShapeException.class, "Upsample", "upsample_param.scale",
                layer("Upsample", "x0", "y", "upsample_param { scale: 4294967295 }"), x);
        assertRejected(ShapeException.class, "Upsample", "upsample_param.scale",
                layer("Upsample", "x0", "y", "upsample_param { scale: 2000000000 }"), x);
    }

    @Test
    void refusesMaskFieldsWithoutAMaskAndAMaskOfAnotherShape() {
        Tensor x = random(new Random(1), 1, 2, 3, 3);
        assertRejected(UnsupportedLayerException.class, "Upsample", "upsample_param.upsample_h",
                layer("Upsample", "x0", "y", "upsample_param { upsample_h: 6 upsample_w: 6 }"), x);
        assertRejected(UnsupportedLayerException.class, "Upsample", "upsample_param.pad_out_w",
                layer("Upsample", "x0", "y", "upsample_param { scale: 2 pad_out_w: true }"), x);
        assertRejected(ShapeException.class, "Upsample", "bottom[1]", layer("Upsample", "x0 x1", "y", ""), x,
                new Tensor(new int[]{1, 2, 3, 2}, new float[12]));
    }

    @Test
    void batchFollowsTheInput() {
        Random rnd = new Random(3);
        Tensor x = random(rnd, 3, 2, 3, 4), mask = poolingMask(rnd, 3, 2, 3, 4, 6, 8);
        Tensor y = runMasked(layer("Upsample", "x0 x1", "y", ""), x, mask);
        String single = layer("Upsample", "x0 x1", "y", "");
        Tensor x1 = new Tensor(new int[]{1, 2, 3, 4}, java.util.Arrays.copyOf(x.data(), 24));
        try (Model m = load(single, List.of(), false, x1, new Tensor(new int[]{1, 2, 3, 4},
                java.util.Arrays.copyOf(mask.data(), 24)))) {
            Tolerance.EXACT.assertClose("batch 3 on a net declared for 1", y.data(), m.run(named(x, mask)).get("y").data());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertBatchFollowsInput(layer("Upsample", "x0", "y", "upsample_param { scale: 2 }"), List.of(), x);
    }
}
