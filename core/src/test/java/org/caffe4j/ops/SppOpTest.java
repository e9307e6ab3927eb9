package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class SppOpTest extends OpTestBase {
    /**
     * SPP written out from spp_layer.cpp and pooling_layer.cpp: per level the kernel, pad and ceil-rounded output
     * size with the last window clipped; MAX over the window inside the image, AVE divided by the window clipped
     * to the padded image.
     */
    static double[] spp(Tensor x, int height, boolean max, List<Integer> outWidths) {
        int[] s = x.shape();
        int n = s[0], c = s[1], h = s[2], w = s[3];
        List<double[]> perImage = new ArrayList<>();
        for (int img = 0; img < n; img++) {
            List<Double> row = new ArrayList<>();
            for (int l = 0; l < height; l++) {
                int bins = 1 << l;
                int kh = (int) Math.ceil(h / (double) bins), kw = (int) Math.ceil(w / (double) bins);
                int ph = (kh * bins - h + 1) / 2, pw = (kw * bins - w + 1) / 2;
                int oh = (int) Math.ceil((h + 2.0 * ph - kh) / kh) + 1, ow = (int) Math.ceil((w + 2.0 * pw - kw) / kw) + 1;
                if (ph > 0 || pw > 0) {
                    if ((oh - 1) * kh >= h + ph) {
                        oh--;
                    }
                    if ((ow - 1) * kw >= w + pw) {
                        ow--;
                    }
                }
                if (img == 0) {
                    outWidths.add(c * oh * ow);
                }
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            int hs = i * kh - ph, ws = j * kw - pw;
                            int he = Math.min(hs + kh, h + ph), we = Math.min(ws + kw, w + pw);
                            int size = (he - hs) * (we - ws);
                            double acc = max ? Double.NEGATIVE_INFINITY : 0;
                            for (int yy = Math.max(hs, 0); yy < Math.min(he, h); yy++) {
                                for (int xx = Math.max(ws, 0); xx < Math.min(we, w); xx++) {
                                    double v = x.data()[((img * c + ch) * h + yy) * w + xx];
                                    acc = max ? Math.max(acc, v) : acc + v;
                                }
                            }
                            row.add(max ? acc : acc / size);
                        }
                    }
                }
            }
            perImage.add(row.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return perImage.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void poolsEachLevelAndConcatenates(long seed) {
        Random rnd = new Random(seed);
        int height = 2 + rnd.nextInt(2);
        // At least 2^(height-1) + 2 rows and columns keep every level's pad below its kernel.
        int min = (1 << (height - 1)) + 2;
        int[] shape = {size(rnd, 1, 3), size(rnd, 1, 3), size(rnd, min, 13), size(rnd, min, 13)};
        boolean max = seed % 2 == 1;
        Tensor x = random(rnd, shape);
        Tensor y = runOne(layer("SPP", "x0", "y", "spp_param { pyramid_height: " + height + " pool: "
                + (max ? "MAX" : "AVE") + " }"), x);
        List<Integer> widths = new ArrayList<>();
        double[] expected = spp(x, height, max, widths);
        int total = widths.stream().mapToInt(Integer::intValue).sum();
        assertTensor(max ? Tolerance.EXACT : Tolerance.CLOSE, new int[]{shape[0], total}, expected, y);
    }

    @Test
    void levelsOfA7x6InputHaveCaffesBins() {
        // Level 1: kernel 4x3, pad 1x0 -> 2x2; level 2: kernel 2x2, pad 1x1 -> ceil gives 5x4, clipped to 4x4.
        List<Integer> widths = new ArrayList<>();
        Tensor x = random(new Random(7), 1, 1, 7, 6);
        double[] expected = spp(x, 3, true, widths);
        assertTensor(Tolerance.EXACT, new int[]{1, 21}, expected,
                runOne(layer("SPP", "x0", "y", "spp_param { pyramid_height: 3 }"), x));
        org.junit.jupiter.api.Assertions.assertEquals(List.of(1, 4, 16), widths);
    }

    @Test
    void heightOneKeepsThePoolingShape() {
        Tensor x = new Tensor(new int[]{1, 2, 2, 2}, new float[]{1, 2, 3, 4, -1, -2, -3, -6});
        assertTensor(Tolerance.CLOSE, new int[]{1, 2, 1, 1}, new double[]{2.5, -3},
                runOne(layer("SPP", "x0", "y", "spp_param { pyramid_height: 1 pool: AVE }"), x));
    }

    @Test
    void rejectsMissingOrZeroPyramidHeight() {
        Tensor x = random(new Random(1), 1, 1, 8, 8);
        assertRejected(ShapeException.class, "SPP", "spp_param.pyramid_height", layer("SPP", "x0", "y", ""), x);
        assertRejected(ShapeException.class, "SPP", "spp_param.pyramid_height",
                layer("SPP", "x0", "y", "spp_param { pyramid_height: 0 }"), x);
        assertRejected(ShapeException.class, "SPP", "spp_param.pyramid_height",
                layer("SPP", "x0", "y", "spp_param { pyramid_height: 4000000000 }"), x);
    }

    @Test
    void rejectsALevelWhosePadReachesItsKernel() {
        // 3 rows in 4 bins: kernel 1, pad 1, which Caffe's Pooling refuses.
        assertRejected(ShapeException.class, "SPP", "spp_param.pyramid_height",
                layer("SPP", "x0", "y", "spp_param { pyramid_height: 3 }"), random(new Random(1), 1, 1, 3, 8));
    }

    @Test
    void rejectsStochasticAndNon4dBottoms() {
        assertRejected(UnsupportedLayerException.class, "SPP", "spp_param.pool",
                layer("SPP", "x0", "y", "spp_param { pyramid_height: 2 pool: STOCHASTIC }"),
                random(new Random(1), 1, 1, 8, 8));
        assertRejected(ShapeException.class, "SPP", "bottom",
                layer("SPP", "x0", "y", "spp_param { pyramid_height: 2 }"), random(new Random(1), 1, 8, 8));
    }

    @Test
    void batchFollowsTheInput() {
        assertBatchFollowsInput(layer("SPP", "x0", "y", "spp_param { pyramid_height: 3 pool: AVE }"), List.of(),
                random(new Random(4), 3, 2, 9, 7));
    }
}
