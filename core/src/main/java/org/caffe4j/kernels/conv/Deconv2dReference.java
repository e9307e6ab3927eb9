package org.caffe4j.kernels.conv;

/**
 * Caffe's Deconvolution for one image: the transpose of a convolution. It is described by the {@link ConvShape}
 * of the FORWARD convolution that maps the deconvolution's output (numOutput x outH x outW) back to its input
 * (C_in x inH x inW); that convolution's weights, C_in x (numOutput/group) x kH x kW, are exactly the
 * deconvolution's blob. Every input value is scattered (col2im) into the output window it came from.
 */
public final class Deconv2dReference {
    private Deconv2dReference() {
    }

    /**
     * @param s     the forward convolution: s.inC() = numOutput, s.inH()/inW() = deconv output size,
     *              s.outC() = deconv input channels, s.outH()/outW() = deconv input size
     * @param bias  numOutput values, or null
     * @param accum scratch of at least s.inSize() doubles
     */
    public static void forward(ConvShape s, float[] in, int inOff, float[] w, float[] bias, float[] out, int outOff,
                               double[] accum) {
        int ih = s.outH(), iw = s.outW();
        int oh = s.inH(), ow = s.inW(), plane = oh * ow;
        int cinPerGroup = s.outCPerGroup(), coutPerGroup = s.inCPerGroup();
        java.util.Arrays.fill(accum, 0, s.inSize(), 0.0);
        for (int ic = 0; ic < s.outC(); ic++) {
            int g = ic / cinPerGroup;
            for (int y = 0; y < ih; y++) {
                for (int x = 0; x < iw; x++) {
                    double v = in[inOff + (ic * ih + y) * iw + x];
                    for (int oc = 0; oc < coutPerGroup; oc++) {
                        int c = g * coutPerGroup + oc;
                        for (int ky = 0; ky < s.kH(); ky++) {
                            int oy = y * s.strideH() - s.padH() + ky * s.dilationH();
                            if (oy < 0 || oy >= oh) {
                                continue;
                            }
                            for (int kx = 0; kx < s.kW(); kx++) {
                                int ox = x * s.strideW() - s.padW() + kx * s.dilationW();
                                if (ox < 0 || ox >= ow) {
                                    continue;
                                }
                                accum[(c * oh + oy) * ow + ox] += v * w[((ic * coutPerGroup + oc) * s.kH() + ky) * s.kW() + kx];
                            }
                        }
                    }
                }
            }
        }
        for (int c = 0; c < s.inC(); c++) {
            double b = bias == null ? 0 : bias[c];
            for (int p = 0; p < plane; p++) {
                out[outOff + c * plane + p] = (float) (accum[c * plane + p] + b);
            }
        }
    }
}
