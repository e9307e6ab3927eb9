package org.caffe4j.kernels.conv;

/** The plain, obviously-correct convolution every fast kernel is tested against (Caffe's definition). */
public final class Conv2dReference {
    private Conv2dReference() {
    }

    /**
     * One image: out[oc][oy][ox] = bias[oc] + sum over ic in oc's group, ky, kx of
     * w[oc][ic][ky][kx] * in[g*icpg + ic][oy*sh - ph + ky*dh][ox*sw - pw + kx*dw] (zero outside the input).
     *
     * @param bias null for no bias
     */
    public static void forward(ConvShape s, float[] in, int inOff, float[] w, float[] bias, float[] out, int outOff) {
        int oh = s.outH(), ow = s.outW();
        int icpg = s.inCPerGroup(), ocpg = s.outCPerGroup();
        for (int oc = 0; oc < s.outC(); oc++) {
            int g = oc / ocpg;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double acc = bias == null ? 0 : bias[oc];
                    for (int ic = 0; ic < icpg; ic++) {
                        int c = g * icpg + ic;
                        for (int ky = 0; ky < s.kH(); ky++) {
                            int iy = oy * s.strideH() - s.padH() + ky * s.dilationH();
                            if (iy < 0 || iy >= s.inH()) {
                                continue;
                            }
                            for (int kx = 0; kx < s.kW(); kx++) {
                                int ix = ox * s.strideW() - s.padW() + kx * s.dilationW();
                                if (ix < 0 || ix >= s.inW()) {
                                    continue;
                                }
                                acc += (double) w[((oc * icpg + ic) * s.kH() + ky) * s.kW() + kx]
                                        * in[inOff + (c * s.inH() + iy) * s.inW() + ix];
                            }
                        }
                    }
                    out[outOff + (oc * oh + oy) * ow + ox] = (float) acc;
                }
            }
        }
    }
}
