package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.gemm.PackedWeights;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.caffe4j.kernels.simd.Simd;

/** What every GEMM-based convolution holds: the weights packed once per group, the bias and the fused activation. */
abstract class GemmConvolution implements Conv2dKernel {
    final PackedWeights weights;
    final Activation activation;
    final int outC;
    final int inCPerGroup;
    final int kH;
    final int kW;
    final int group;
    /** {@link Simd#sgemmKernel()} normally; tests pass the scalar twin to cover both paths in one JVM. */
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
