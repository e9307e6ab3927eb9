package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

class DeconvolutionOpTest extends OpTestBase {
    /**
     * Gathers each output value from the inputs that reach it: out[oc][oy][ox] = b[oc] + sum of
     * w[ic][oc'][ky][kx] * x[ic][iy][ix] over oy = iy*s - p + ky*d (same for x), ic in oc's group.
     */
    static double[] deconv(Tensor x, Tensor w, float[] bias, int group, int kh, int kw, int sh, int sw, int ph,
                           int pw, int dh, int dw, int[] outShape) {
        int[] s = x.shape();
        int cin = s[1], cout = outShape[1], oh = outShape[2], ow = outShape[3];
        int cinG = cin / group, coutG = cout / group;
        double[] out = new double[(int) count(outShape)];
        for (int n = 0; n < s[0]; n++) {
            for (int oc = 0; oc < cout; oc++) {
                int g = oc / coutG;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = bias == null ? 0 : bias[oc];
                        for (int ic = g * cinG; ic < (g + 1) * cinG; ic++) {
                            for (int ky = 0; ky < kh; ky++) {
                                int ty = oy + ph - ky * dh;
                                if (ty < 0 || ty % sh != 0 || ty / sh >= s[2]) {
                                    continue;
                                }
                                for (int kx = 0; kx < kw; kx++) {
                                    int tx = ox + pw - kx * dw;
                                    if (tx < 0 || tx % sw != 0 || tx / sw >= s[3]) {
                                        continue;
                                    }
                                    acc += w.data()[((ic * coutG + (oc - g * coutG)) * kh + ky) * kw + kx]
                                            * x.data()[((n * cin + ic) * s[2] + ty / sh) * s[3] + tx / sw];
                                }
                            }
                        }
                        out[((n * cout + oc) * oh + oy) * ow + ox] = acc;
                    }
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void matchesGatherFormulaOnRandomGeometry(long seed) {
        Random rnd = new Random(seed);
        int group = 1 + rnd.nextInt(2);
        int cin = group * size(rnd, 1, 3), cout = group * size(rnd, 1, 3);
        int kh = size(rnd, 1, 4), kw = size(rnd, 1, 4), sh = size(rnd, 1, 3), sw = size(rnd, 1, 3);
        int dh = size(rnd, 1, 2), dw = size(rnd, 1, 2);
        int ph = rnd.nextInt(kh), pw = rnd.nextInt(kw);
        int[] in = {size(rnd, 1, 3), cin, size(rnd, 2, 6), size(rnd, 2, 6)};
        int oh = sh * (in[2] - 1) + dh * (kh - 1) + 1 - 2 * ph, ow = sw * (in[3] - 1) + dw * (kw - 1) + 1 - 2 * pw;
        if (oh <= 0 || ow <= 0) { // keep the geometry valid: drop the padding
            ph = 0;
            pw = 0;
            oh = sh * (in[2] - 1) + dh * (kh - 1) + 1;
            ow = sw * (in[3] - 1) + dw * (kw - 1) + 1;
        }
        boolean bias = seed % 3 != 0;
        Tensor x = random(rnd, in), w = random(rnd, cin, cout / group, kh, kw), b = random(rnd, cout);
        List<Tensor> weights = new ArrayList<>(List.of(w));
        if (bias) {
            weights.add(b);
        }
        // Alternate between the h/w and the repeated spellings of the window fields.
        String geometry = seed % 2 == 0
                ? "kernel_h: " + kh + " kernel_w: " + kw + " stride_h: " + sh + " stride_w: " + sw + " pad_h: " + ph + " pad_w: " + pw
                : "kernel_size: " + kh + " kernel_size: " + kw + " stride: " + sh + " stride: " + sw + " pad: " + ph + " pad: " + pw;
        String params = "convolution_param { num_output: " + cout + " group: " + group + " bias_term: " + bias + " "
                + geometry + " dilation: " + dh + " dilation: " + dw + " }";
        Tensor y = runOne(layer("Deconvolution", "x0", "y", params), weights, Tolerance.APPROX, x);
        int[] outShape = {in[0], cout, oh, ow};
        assertTensor(Tolerance.APPROX, outShape,
                deconv(x, w, bias ? b.data() : null, group, kh, kw, sh, sw, ph, pw, dh, dw, outShape), y);
    }

    @Test
    void stride2Kernel4Pad1DoublesTheSize() {
        // The FCN/bilinear-upsampling geometry.
        Random rnd = new Random(5);
        Tensor x = random(rnd, 1, 2, 5, 3), w = random(rnd, 2, 3, 4, 4), b = random(rnd, 3);
        Tensor y = runOne(layer("Deconvolution", "x0", "y",
                "convolution_param { num_output: 3 kernel_size: 4 stride: 2 pad: 1 }"), List.of(w, b), Tolerance.APPROX, x);
        int[] outShape = {1, 3, 10, 6};
        assertTensor(Tolerance.APPROX, outShape, deconv(x, w, b.data(), 1, 4, 4, 2, 2, 1, 1, 1, 1, outShape), y);
    }

    @Test
    void largeLayerThroughThePackedGemm() {
        // Big enough that the GEMM splits into several tasks and edge tiles: 24 input channels, 2 groups, 13x11.
        Random rnd = new Random(12);
        Tensor x = random(rnd, 2, 24, 13, 11), w = random(rnd, 24, 5, 3, 3), b = random(rnd, 10);
        Tensor y = runOne(layer("Deconvolution", "x0", "y",
                "convolution_param { num_output: 10 group: 2 kernel_size: 3 stride: 2 pad: 1 }"), List.of(w, b),
                Tolerance.APPROX, x);
        int[] outShape = {2, 10, 25, 21};
        assertTensor(Tolerance.APPROX, outShape, deconv(x, w, b.data(), 2, 3, 3, 2, 2, 1, 1, 1, 1, outShape), y);
    }

    @Test
    void rejectsConvolutionShapedWeights() {
        Random rnd = new Random(1);
        // Weights laid out num_output x C_in (a Convolution's) instead of C_in x num_output.
        assertRejected(ShapeException.class, "Deconvolution", "blobs[0]",
                layer("Deconvolution", "x0", "y", "convolution_param { num_output: 3 kernel_size: 2 bias_term: false }"),
                List.of(random(rnd, 3, 2, 2, 2)), random(rnd, 1, 2, 4, 4));
    }

    @Test
    void rejectsPaddingThatLeavesNoOutput() {
        Random rnd = new Random(1);
        assertRejected(ShapeException.class, "Deconvolution", "convolution_param.pad",
                layer("Deconvolution", "x0", "y", "convolution_param { num_output: 2 kernel_size: 1 pad: 1 bias_term: false }"),
                List.of(random(rnd, 2, 2, 1, 1)), random(rnd, 1, 2, 1, 1));
    }

    @Test
    void rejectsMissingNumOutput() {
        Random rnd = new Random(1);
        assertRejected(ShapeException.class, "Deconvolution", "convolution_param.num_output",
                layer("Deconvolution", "x0", "y", "convolution_param { kernel_size: 2 }"), random(rnd, 1, 2, 4, 4));
    }

    @Test
    void batchFollowsTheInput() {
        Random rnd = new Random(5);
        assertBatchFollowsInput(layer("Deconvolution", "x0", "y", "convolution_param { num_output: 2 kernel_size: 3 stride: 2 }"),
                List.of(random(rnd, 3, 2, 3, 3), random(rnd, 2)), Tolerance.APPROX, random(rnd, 3, 3, 4, 5));
    }
}
