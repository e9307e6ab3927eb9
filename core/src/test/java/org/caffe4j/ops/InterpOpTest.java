package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class InterpOpTest extends OpTestBase {
    /**
     * Align-corners bilinear resampling in double, written as textbook interpolation (source coordinate
     * out * (in - 1) / (out - 1), clamped neighbours), of the window [crop, crop + effH) x [crop, crop + effW).
     */
    static double[] interp(Tensor x, int crop, int effH, int effW, int outH, int outW) {
        int[] s = x.shape();
        int planes = s[0] * s[1], h = s[2], w = s[3];
        double[] y = new double[planes * outH * outW];
        for (int c = 0; c < planes; c++) {
            for (int oy = 0; oy < outH; oy++) {
                double sy = outH > 1 ? oy * (effH - 1.0) / (outH - 1) : 0;
                int y0 = (int) sy, y1 = Math.min(y0 + 1, effH - 1);
                double fy = sy - y0;
                for (int ox = 0; ox < outW; ox++) {
                    double sx = outW > 1 ? ox * (effW - 1.0) / (outW - 1) : 0;
                    int x0 = (int) sx, x1 = Math.min(x0 + 1, effW - 1);
                    double fx = sx - x0;
                    double top = (1 - fx) * at(x, c, h, w, crop + y0, crop + x0) + fx * at(x, c, h, w, crop + y0, crop + x1);
                    double bottom = (1 - fx) * at(x, c, h, w, crop + y1, crop + x0) + fx * at(x, c, h, w, crop + y1, crop + x1);
                    y[(c * outH + oy) * outW + ox] = (1 - fy) * top + fy * bottom;
                }
            }
        }
        return y;
    }

    private static double at(Tensor x, int plane, int h, int w, int row, int col) {
        return x.data()[(plane * h + row) * w + col];
    }

    @ParameterizedTest(name = "{0} on {1}x{2}")
    @CsvSource({
            // params, in H, in W, out H, out W, crop (-pad_beg), effective in H, W
            "'zoom_factor: 2', 5, 7, 9, 13, 0, 5, 7",
            "'zoom_factor: 8', 3, 4, 17, 25, 0, 3, 4",
            "'shrink_factor: 2', 9, 8, 5, 4, 0, 9, 8",
            "'shrink_factor: 3 zoom_factor: 2', 10, 7, 7, 5, 0, 10, 7",
            "'height: 11 width: 6', 4, 9, 11, 6, 0, 4, 9",
            "'height: 1 width: 1', 4, 5, 1, 1, 0, 4, 5",
            "'height: 3 width: 2', 6, 6, 3, 2, 0, 6, 6",
            "'zoom_factor: 1 pad_beg: -1 pad_end: -1', 6, 5, 4, 3, 1, 4, 3",
            "'zoom_factor: 2 pad_beg: -1 pad_end: 0', 5, 6, 7, 9, 1, 4, 5",
            "'zoom_factor: 3 height: 2 width: 2', 3, 3, 7, 7, 0, 3, 3",
            "'zoom_factor: 4', 1, 1, 1, 1, 0, 1, 1",
    })
    void resamplesWithAlignedCorners(String params, int h, int w, int outH, int outW, int crop, int effH, int effW) {
        Random rnd = new Random(h * 31L + w);
        Tensor x = random(rnd, 2, 3, h, w);
        Tensor y = runOne(layer("Interp", "x0", "y", "interp_param { " + params + " }"), x);
        assertTensor(Tolerance.CLOSE, new int[]{2, 3, outH, outW}, interp(x, crop, effH, effW, outH, outW), y);
    }

    @Test
    void cornersAreCopiedExactly() {
        Tensor x = random(new Random(5), 1, 2, 4, 6);
        Tensor y = runOne(layer("Interp", "x0", "y", "interp_param { height: 9 width: 13 }"), x);
        for (int c = 0; c < 2; c++) {
            float[] in = x.data(), out = y.data();
            assertArrayEquals(new float[]{in[c * 24], in[c * 24 + 5], in[c * 24 + 18], in[c * 24 + 23]},
                    new float[]{out[c * 117], out[c * 117 + 12], out[c * 117 + 104], out[c * 117 + 116]});
        }
    }

    @Test
    void refusesPositivePaddingAsTheForkDoes() {
        Tensor x = random(new Random(1), 1, 1, 4, 4);
        assertRejected(UnsupportedLayerException.class, "Interp", "interp_param.pad_beg",
                layer("Interp", "x0", "y", "interp_param { zoom_factor: 2 pad_beg: 1 }"), x);
        assertRejected(UnsupportedLayerException.class, "Interp", "interp_param.pad_end",
                layer("Interp", "x0", "y", "interp_param { zoom_factor: 2 pad_end: 2 }"), x);
    }

    @Test
    void refusesFactorsBelowOneAndMissingSizes() {
        Tensor x = random(new Random(1), 1, 1, 4, 4);
        assertRejected(ShapeException.class, "Interp", "interp_param.zoom_factor",
                layer("Interp", "x0", "y", "interp_param { zoom_factor: 0 }"), x);
        assertRejected(ShapeException.class, "Interp", "interp_param.shrink_factor",
                layer("Interp", "x0", "y", "interp_param { shrink_factor: -2 }"), x);
        assertRejected(ShapeException.class, "Interp", "interp_param", layer("Interp", "x0", "y", ""), x);
        assertRejected(ShapeException.class, "Interp", "only height",
                layer("Interp", "x0", "y", "interp_param { height: 5 }"), x);
        assertRejected(ShapeException.class, "Interp", "interp_param.width",
                layer("Interp", "x0", "y", "interp_param { height: 5 width: 0 }"), x);
    }

    @Test
    void refusesACropThatLeavesNothing() {
        assertRejected(ShapeException.class, "Interp", "interp_param.pad_beg",
                layer("Interp", "x0", "y", "interp_param { zoom_factor: 2 pad_beg: -2 pad_end: -2 }"),
                random(new Random(1), 1, 1, 4, 9));
    }

    @Test
    void refusesAZoomBeyondTheLargestBlob() {
        assertRejected(ShapeException.class, "Interp", "interp_param.zoom_factor",
                layer("Interp", "x0", "y", "interp_param { zoom_factor: 2000000000 }"), random(new Random(1), 1, 1, 3, 3));
    }

    @Test
    void refusesBottomsThatAreNotFourDimensional() {
        assertRejected(ShapeException.class, "Interp", "bottom",
                layer("Interp", "x0", "y", "interp_param { zoom_factor: 2 }"), random(new Random(1), 2, 6));
    }

    @Test
    void batchFollowsTheInput() {
        assertBatchFollowsInput(layer("Interp", "x0", "y", "interp_param { zoom_factor: 3 }"), List.of(),
                random(new Random(3), 3, 2, 4, 5));
    }
}
