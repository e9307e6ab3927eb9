package org.caffe4j.kernels.conv;

/**
 * Geometry of one 2-D convolution over a single image in NCHW layout: input inC x inH x inW, output
 * outC x outH x outW, weights outC x (inC/group) x kH x kW. Output sizes follow Caffe's rule
 * out = (in + 2*pad - (dilation*(k-1)+1)) / stride + 1, rounded down.
 */
public record ConvShape(int inC, int inH, int inW, int outC, int kH, int kW, int strideH, int strideW,
                        int padH, int padW, int dilationH, int dilationW, int group) {

    public ConvShape {
        if (inC <= 0 || inH <= 0 || inW <= 0 || outC <= 0 || kH <= 0 || kW <= 0 || strideH <= 0 || strideW <= 0
                || padH < 0 || padW < 0 || dilationH <= 0 || dilationW <= 0 || group <= 0
                || inC % group != 0 || outC % group != 0) {
            throw new IllegalArgumentException("invalid convolution geometry: " + this);
        }
    }

    public int outH() {
        return (inH + 2 * padH - (dilationH * (kH - 1) + 1)) / strideH + 1;
    }

    public int outW() {
        return (inW + 2 * padW - (dilationW * (kW - 1) + 1)) / strideW + 1;
    }

    public int inCPerGroup() {
        return inC / group;
    }

    public int outCPerGroup() {
        return outC / group;
    }

    public int inSize() {
        return inC * inH * inW;
    }

    public int outSize() {
        return outC * outH() * outW();
    }

    public int weightSize() {
        return outC * inCPerGroup() * kH * kW;
    }

    public boolean isPointwise() {
        return kH == 1 && kW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
    }

    /**
     * A 1x1 unpadded convolution with a stride above 1 (ResNet's downsampling shortcuts): a pointwise
     * convolution of the input subsampled to the output grid.
     */
    public boolean isStridedPointwise() {
        return kH == 1 && kW == 1 && padH == 0 && padW == 0 && (strideH > 1 || strideW > 1);
    }
}
