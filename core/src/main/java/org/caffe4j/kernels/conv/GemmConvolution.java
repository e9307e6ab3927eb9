package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.gemm.PackedSgemm;
import org.caffe4j.kernels.gemm.PackedWeights;
import org.caffe4j.kernels.gemm.PanelSource;
import org.caffe4j.kernels.gemm.RowMajorPanels;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * What every GEMM-based convolution holds: the weights packed once per group, the bias and the fused activation;
 * and the batched path shared by both layouts.
 */
abstract class GemmConvolution implements Conv2dKernel {
    /**
     * Images with at most this many output pixels are multiplied together as one GEMM (columns = all images'
     * pixels): on 13x13 and 6x6 maps a weight is otherwise used for only 169 or 36 outputs per load from memory.
     */
    static final int BATCH_TOGETHER_MAX_PIXELS = 256;
    /**
     * At most this many columns (images x pixels) per batched GEMM, so the shared packed B and the padded copies
     * stay a few MB whatever the batch size (conv4-1024: 28 images of 6x6 per GEMM; 13x13 maps: 6).
     */
    static final int BATCH_TOGETHER_MAX_COLUMNS = 1024;

    final PackedWeights weights;
    final Activation activation;
    final int outC;
    final int inCPerGroup;
    final int kH;
    final int kW;
    final int group;
    /** {@code Simd.sgemmKernel()} normally; tests pass the scalar twin to cover both paths in one JVM. */
    final SgemmMicroKernel microKernel;

    GemmConvolution(float[] w, float[] bias, int outC, int inCPerGroup, int kH, int kW, int group,
                    Activation activation, SgemmMicroKernel microKernel) {
        if (outC <= 0 || inCPerGroup <= 0 || kH <= 0 || kW <= 0 || group <= 0 || outC % group != 0) {
            throw new IllegalArgumentException("invalid convolution weights geometry: outC=" + outC
                    + " inCPerGroup=" + inCPerGroup + " kernel=" + kH + "x" + kW + " group=" + group);
        }
        long size = (long) outC * inCPerGroup * kH * kW;
        if (w.length != size) {
            throw new IllegalArgumentException("weights have " + w.length + " values; expected " + size + " ("
                    + outC + "x" + inCPerGroup + "x" + kH + "x" + kW + ")");
        }
        if (bias != null && bias.length != outC) {
            throw new IllegalArgumentException("bias has " + bias.length + " values; expected " + outC);
        }
        // OIHW weights of one group are exactly a row-major (outC/group) x (inCPerGroup*kH*kW) matrix.
        this.weights = PackedWeights.pack(w, 0, group, outC / group, inCPerGroup * kH * kW, bias);
        this.activation = activation;
        this.outC = outC;
        this.inCPerGroup = inCPerGroup;
        this.kH = kH;
        this.kW = kW;
        this.group = group;
        this.microKernel = microKernel;
    }

    @Override
    public boolean keepsWeightsExactly() {
        return true;
    }

    @Override
    public float[] unpackWeights() {
        return weights.unpack();
    }

    @Override
    public long weightBytes() {
        return weights.bytes();
    }

    /**
     * Small images go through one GEMM for the whole batch (each output still sums over k in the same order as in
     * a single-image call, so results are identical); larger ones run image by image.
     */
    @Override
    public void forward(ConvShape shape, int batch, float[] in, int inOff, float[] out, int outOff, Parallel par) {
        int pixels = shape.outH() * shape.outW();
        if (batch <= 1 || pixels > BATCH_TOGETHER_MAX_PIXELS) {
            Conv2dKernel.super.forward(shape, batch, in, inOff, out, outOff, par);
            return;
        }
        checkShape(shape, in, inOff, out, outOff);
        if (inOff + (long) batch * shape.inSize() > in.length || outOff + (long) batch * shape.outSize() > out.length) {
            throw new IllegalArgumentException("arrays too short for " + batch + " images of " + shape);
        }
        ConvScratch scratch = ConvScratch.forCurrentThread();
        int perGemm = Math.max(1, BATCH_TOGETHER_MAX_COLUMNS / pixels);
        for (int first = 0; first < batch; first += perGemm) {
            int images = Math.min(perGemm, batch - first);
            int from = inOff + first * shape.inSize();
            PackedSgemm.multiplyImages(weights, panels(shape, images, in, from, scratch, par), images, pixels, out,
                    outOff + first * shape.outSize(), shape.outSize(), activation, par, microKernel);
        }
    }

    /**
     * The B operand of {@code images} consecutive images (image i at from + i*inSize): 1x1 layers read each
     * channel's pixels as one run per image (im2col would split them by output row), strided 1x1 layers the same
     * from the input subsampled to the output grid, all others the im2col matrix.
     */
    PanelSource panels(ConvShape shape, int images, float[] in, int from, ConvScratch scratch, Parallel par) {
        int pixels = shape.outH() * shape.outW();
        if (shape.isPointwise()) {
            return new RowMajorPanels(in, from, pixels, inCPerGroup * pixels, pixels, shape.inSize());
        }
        if (shape.isStridedPointwise()) {
            float[] grid = Conv2dIm2colGemm.subsample(shape, images, in, from, scratch, par);
            return new RowMajorPanels(grid, 0, pixels, inCPerGroup * pixels, pixels, shape.inC() * pixels);
        }
        return new Conv2dIm2colGemm.Im2colPanels(shape, images, in, from, scratch, par, microKernel);
    }

    void checkShape(ConvShape s, float[] in, int inOff, float[] out, int outOff) {
        if (s.outC() != outC || s.kH() != kH || s.kW() != kW || s.group() != group
                || s.inCPerGroup() != inCPerGroup) {
            throw new IllegalArgumentException("shape " + s + " does not match the prepared weights: outC=" + outC
                    + " inCPerGroup=" + inCPerGroup + " kernel=" + kH + "x" + kW + " group=" + group);
        }
        if (s.outH() <= 0 || s.outW() <= 0) {
            throw new IllegalArgumentException("kernel larger than the padded input: " + s);
        }
        if (inOff < 0 || (long) inOff + s.inSize() > in.length) {
            throw new IllegalArgumentException("input array too short for " + s + " at offset " + inOff);
        }
        if (outOff < 0 || (long) outOff + s.outSize() > out.length) {
            throw new IllegalArgumentException("output array too short for " + s + " at offset " + outOff);
        }
    }
}
