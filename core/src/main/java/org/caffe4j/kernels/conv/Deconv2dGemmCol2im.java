package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.gemm.PackedSgemm;
import org.caffe4j.kernels.gemm.PackedWeights;
import org.caffe4j.kernels.gemm.RowMajorPanels;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * Deconvolution the way Caffe computes it: per group, col = W^T · x (a GEMM of (coutG·kH·kW) x cinG by
 * cinG x (inH·inW), on the packed SGEMM), then col2im adds every column value into the output pixel it lands on,
 * then the bias. Same geometry convention as {@link Deconv2dReference}: {@code s} is the forward convolution whose
 * input is the deconvolution's output.
 */
public final class Deconv2dGemmCol2im {
    /** Per-thread column buffer, grown on demand; owned by the calling thread for the duration of one call. */
    private static final ThreadLocal<float[]> COLUMNS = ThreadLocal.withInitial(() -> new float[0]);

    private final ConvShape s;
    private final PackedWeights transposed;
    private final float[] bias;
    private final SgemmMicroKernel microKernel;

    /**
     * @param w    the Deconvolution blob, C_in x (numOutput/group) x kH x kW
     * @param bias numOutput values, or null
     * @param microKernel the GEMM's register tile: the Vector API's or its scalar twin (bit-identical)
     */
    public Deconv2dGemmCol2im(ConvShape s, float[] w, float[] bias, SgemmMicroKernel microKernel) {
        this.s = s;
        this.bias = bias;
        this.microKernel = microKernel;
        int cinG = s.outCPerGroup(), rows = s.inCPerGroup() * s.kH() * s.kW();
        // A = W_g^T: row r = (oc', ky, kx), column = input channel within the group.
        float[] t = new float[s.group() * rows * cinG];
        for (int g = 0; g < s.group(); g++) {
            for (int ic = 0; ic < cinG; ic++) {
                int src = (g * cinG + ic) * rows;
                for (int r = 0; r < rows; r++) {
                    t[(g * rows + r) * cinG + ic] = w[src + r];
                }
            }
        }
        this.transposed = PackedWeights.pack(t, 0, s.group(), rows, cinG, null);
    }

    private Deconv2dGemmCol2im(ConvShape s, PackedWeights transposed, float[] bias, SgemmMicroKernel microKernel) {
        this.s = s;
        this.transposed = transposed;
        this.bias = bias;
        this.microKernel = microKernel;
    }

    /** The same packed weights for another spatial size (same channels, kernel and group). */
    public Deconv2dGemmCol2im forShape(ConvShape other) {
        if (other.equals(s)) {
            return this;
        }
        if (other.inC() != s.inC() || other.outC() != s.outC() || other.kH() != s.kH() || other.kW() != s.kW()
                || other.group() != s.group()) {
            throw new IllegalArgumentException("packed for " + s + ", not " + other);
        }
        return new Deconv2dGemmCol2im(other, transposed, bias, microKernel);
    }

    /** Bytes of packed weights one image's call reads. */
    public long weightBytes() {
        return transposed.bytes();
    }

    /** One image: input at {@code inOff} (C_in x inH x inW), output at {@code outOff} (numOutput x outH x outW). */
    public void forward(float[] in, int inOff, float[] out, int outOff, Parallel par) {
        int ih = s.outH(), iw = s.outW(), pixels = ih * iw;
        int rowsPerGroup = s.inCPerGroup() * s.kH() * s.kW();
        int colSize = s.group() * rowsPerGroup * pixels;
        float[] col = COLUMNS.get();
        if (col.length < colSize) {
            col = new float[colSize];
            COLUMNS.set(col);
        }
        PackedSgemm.multiply(transposed, new RowMajorPanels(in, inOff, pixels, s.outCPerGroup() * pixels), pixels,
                col, 0, Activation.NONE, par, microKernel);
        float[] columns = col;
        int oh = s.inH(), ow = s.inW(), plane = oh * ow, kk = s.kH() * s.kW();
        par.forEach(s.inC(), c -> {
            int o = outOff + c * plane;
            java.util.Arrays.fill(out, o, o + plane, 0f);
            // Row c*kk + (ky*kW + kx) of the column matrix; groups are contiguous, so c indexes rows directly.
            for (int ky = 0; ky < s.kH(); ky++) {
                for (int kx = 0; kx < s.kW(); kx++) {
                    int row = (c * kk + ky * s.kW() + kx) * pixels;
                    for (int y = 0; y < ih; y++) {
                        int oy = y * s.strideH() - s.padH() + ky * s.dilationH();
                        if (oy < 0 || oy >= oh) {
                            continue;
                        }
                        for (int x = 0; x < iw; x++) {
                            int ox = x * s.strideW() - s.padW() + kx * s.dilationW();
                            if (ox >= 0 && ox < ow) {
                                out[o + oy * ow + ox] += columns[row + y * iw + x];
                            }
                        }
                    }
                }
            }
            if (bias != null) {
                float b = bias[c];
                for (int i = o; i < o + plane; i++) {
                    out[i] += b;
                }
            }
        });
    }
}
