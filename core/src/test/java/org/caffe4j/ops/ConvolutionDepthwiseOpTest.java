package org.caffe4j.ops;

import org.caffe4j.MalformedModelException;
import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvolutionDepthwiseOpTest extends OpTestBase {
    /** Depthwise convolution in double: channel c of the top filters channel c of the bottom only. */
    static double[] depthwise(Tensor x, Tensor w, Tensor bias, int kh, int kw, int sh, int sw, int ph, int pw,
                              int dh, int dw, int oh, int ow) {
        int[] s = x.shape();
        int n = s[0], c = s[1], h = s[2], wd = s[3];
        double[] y = new double[n * c * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = bias == null ? 0 : bias.data()[ch];
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                int iy = oy * sh - ph + ky * dh, ix = ox * sw - pw + kx * dw;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                    acc += (double) w.data()[(ch * kh + ky) * kw + kx]
                                            * x.data()[((b * c + ch) * h + iy) * wd + ix];
                                }
                            }
                        }
                        y[((b * c + ch) * oh + oy) * ow + ox] = acc;
                    }
                }
            }
        }
        return y;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void filtersEachChannelWithItsOwnKernel(long seed) {
        Random rnd = new Random(seed);
        int c = size(rnd, 1, 12), k = 1 + 2 * rnd.nextInt(2), stride = size(rnd, 1, 2), pad = rnd.nextInt(k / 2 + 1);
        int dil = seed == 5 ? 2 : 1;
        int[] shape = {size(rnd, 1, 2), c, size(rnd, 5, 11), size(rnd, 5, 11)};
        boolean bias = seed % 2 == 0;
        Tensor x = random(rnd, shape), w = random(rnd, c, 1, k, k), b = random(rnd, c);
        int span = dil * (k - 1) + 1;
        int oh = (shape[2] + 2 * pad - span) / stride + 1, ow = (shape[3] + 2 * pad - span) / stride + 1;
        // num_output and group as a MobileNet prototxt writes them; the fork reads neither.
        String params = "convolution_param { num_output: " + c + " group: " + c + " kernel_size: " + k + " stride: "
                + stride + " pad: " + pad + " dilation: " + dil + " bias_term: " + bias + " }";
        Tensor y = runOne(layer("ConvolutionDepthwise", "x0", "y", params), bias ? List.of(w, b) : List.of(w),
                Tolerance.APPROX, x);
        assertTensor(Tolerance.APPROX, new int[]{shape[0], c, oh, ow},
                depthwise(x, w, bias ? b : null, k, k, stride, stride, pad, pad, dil, dil, oh, ow), y);
    }

    @Test
    void ignoresNumOutputAndGroupAsTheForkDoes() {
        Random rnd = new Random(7);
        Tensor x = random(rnd, 1, 4, 6, 5), w = random(rnd, 4, 1, 3, 3), b = random(rnd, 4);
        Tensor y = runOne(layer("ConvolutionDepthwise", "x0", "y",
                "convolution_param { num_output: 9 group: 3 kernel_size: 3 pad: 1 }"), List.of(w, b), Tolerance.APPROX, x);
        assertTensor(Tolerance.APPROX, new int[]{1, 4, 6, 5}, depthwise(x, w, b, 3, 3, 1, 1, 1, 1, 1, 1, 6, 5), y);
        Tensor unset = runOne(layer("ConvolutionDepthwise", "x0", "y", "convolution_param { kernel_size: 3 pad: 1 }"),
                List.of(w, b), Tolerance.APPROX, x);
        Tolerance.EXACT.assertClose("without num_output/group", y.data(), unset.data());
    }

    @Test
    void runsExactlyAsAConvolutionWhoseGroupIsTheChannelCount() {
        // Same kernel choice as Convolution, so the same bits, on a MobileNet-like shape and a rectangular kernel.
        Random rnd = new Random(11);
        Tensor x = random(rnd, 2, 16, 15, 17), w = random(rnd, 16, 1, 3, 2), b = random(rnd, 16);
        String geometry = "kernel_h: 3 kernel_w: 2 stride_h: 2 stride_w: 1 pad_h: 1 pad_w: 0";
        Tensor dw = runOne(layer("ConvolutionDepthwise", "x0", "y", "convolution_param { " + geometry + " }"),
                List.of(w, b), Tolerance.APPROX, x);
        Tensor conv = runOne(layer("Convolution", "x0", "y", "convolution_param { num_output: 16 group: 16 "
                + geometry + " }"), List.of(w, b), Tolerance.APPROX, x);
        Tolerance.EXACT.assertClose("ConvolutionDepthwise vs Convolution group 16", conv.data(), dw.data());
    }

    /** yonghenglh6's DepthwiseConvolution: BVLC's grouped Convolution where its CUDA kernel agrees. */
    @Test
    void depthwiseConvolutionTypeIsTheGroupedConvolution() {
        Random rnd = new Random(13);
        Tensor x = random(rnd, 2, 16, 15, 17), w = random(rnd, 16, 1, 3, 3), b = random(rnd, 16);
        String geometry = "num_output: 16 group: 16 kernel_size: 3 stride: 2 pad: 1";
        Tensor dw = runOne(layer("DepthwiseConvolution", "x0", "y", "convolution_param { " + geometry + " }"),
                List.of(w, b), Tolerance.APPROX, x);
        Tensor conv = runOne(layer("Convolution", "x0", "y", "convolution_param { " + geometry + " }"),
                List.of(w, b), Tolerance.APPROX, x);
        Tolerance.EXACT.assertClose("DepthwiseConvolution vs Convolution group 16", conv.data(), dw.data());
        assertRejected(org.caffe4j.UnsupportedLayerException.class, "DepthwiseConvolution", "convolution_param.group",
                layer("DepthwiseConvolution", "x0", "y", "convolution_param { num_output: 32 group: 16 kernel_size: 3 }"),
                List.of(random(rnd, 32, 1, 3, 3), random(rnd, 32)), x);
        assertRejected(org.caffe4j.UnsupportedLayerException.class, "DepthwiseConvolution", "convolution_param.dilation",
                layer("DepthwiseConvolution", "x0", "y", "convolution_param { " + geometry + " dilation: 2 }"),
                List.of(w, b), x);
        assertRejected(ShapeException.class, "DepthwiseConvolution", "bottom",
                layer("DepthwiseConvolution", "x0", "y", "convolution_param { num_output: 8 group: 8 kernel_size: 3 }"),
                List.of(random(rnd, 8, 2, 3, 3), random(rnd, 8)), x);
    }

    @Test
    void fusedReluFollowsTheConvolution() {
        Random rnd = new Random(12);
        Tensor x = random(rnd, 1, 8, 9, 9), w = random(rnd, 8, 1, 3, 3), b = random(rnd, 8);
        String net = layer("ConvolutionDepthwise", "x0", "y", "convolution_param { kernel_size: 3 pad: 1 }")
                + "layer { name: \"relu\" type: \"ReLU\" bottom: \"y\" top: \"y\" }\n";
        Tensor y = runOne(net, List.of(w, b), Tolerance.APPROX, x);
        double[] e = depthwise(x, w, b, 3, 3, 1, 1, 1, 1, 1, 1, 9, 9);
        for (int i = 0; i < e.length; i++) {
            e[i] = Math.max(0, e[i]);
        }
        assertTensor(Tolerance.APPROX, new int[]{1, 8, 9, 9}, e, y);
    }

    @Test
    void refusesWeightsOfAnotherShape() {
        Random rnd = new Random(1);
        Tensor x = random(rnd, 1, 4, 5, 5);
        var e = assertThrows(RuntimeException.class, () -> load(layer("ConvolutionDepthwise", "x0", "y",
                "convolution_param { kernel_size: 3 bias_term: false }"), List.of(random(rnd, 4, 4, 3, 3)), true, x)
                .close());
        assertTrue(e instanceof MalformedModelException || e instanceof ShapeException, e.toString());
        assertTrue(e.getMessage().contains("layer 'op' (ConvolutionDepthwise)") && e.getMessage().contains("blobs[0]"),
                e.getMessage());
    }

    @Test
    void refusesAWindowLargerThanThePaddedInputAndMissingKernel() {
        Random rnd = new Random(1);
        Tensor x = random(rnd, 1, 2, 3, 3);
        assertRejected(ShapeException.class, "ConvolutionDepthwise", "convolution_param.kernel_size",
                layer("ConvolutionDepthwise", "x0", "y", "convolution_param { kernel_size: 5 bias_term: false }"),
                List.of(random(rnd, 2, 1, 5, 5)), x);
        assertThrows(RuntimeException.class, () -> load(layer("ConvolutionDepthwise", "x0", "y",
                "convolution_param { bias_term: false }"), List.of(random(rnd, 2, 1, 1, 1)), true, x).close());
    }

    @Test
    void rejectsTwoBottoms() {
        Tensor x = random(new Random(1), 1, 2, 4, 4);
        assertRejected(ShapeException.class, "ConvolutionDepthwise", "bottom",
                layer("ConvolutionDepthwise", "x0 x1", "y z", "convolution_param { kernel_size: 1 }"), x, x);
    }

    @Test
    void batchFollowsTheInput() {
        Random rnd = new Random(3);
        assertBatchFollowsInput(layer("ConvolutionDepthwise", "x0", "y", "convolution_param { kernel_size: 3 }"),
                List.of(random(rnd, 3, 1, 3, 3), random(rnd, 3)), Tolerance.APPROX, random(rnd, 3, 3, 6, 7));
    }
}
