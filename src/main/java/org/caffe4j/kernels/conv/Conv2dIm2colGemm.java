package org.caffe4j.kernels.conv;

import java.util.Arrays;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.gemm.PackedSgemm;
import org.caffe4j.kernels.gemm.PanelSource;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.caffe4j.kernels.simd.Simd;

/**
 * Any 2-D convolution (kernel size, stride, padding, dilation, groups) as a GEMM per group whose B operand is the
 * im2col matrix (rows = input channel x kernel tap, columns = output pixels) — but the matrix is never built:
 * the GEMM asks for one K-slice x tile-block at a time and this class gathers it straight from the (padded) image
 * into the GEMM's per-thread packing buffer.
 *
 * <p>Scratch memory: the GEMM's thread-local B block (see {@link PackedSgemm}), sized by the blocking, plus the
 * calling thread's {@link ConvScratch} (a zero-padded copy of the image and one int per output pixel), reused
 * across calls and grown on demand; the GEMM's tasks only read it. So any number of threads may run the same
 * kernel at once, and nothing is allocated per tile. 1x1 stride-1 unpadded shapes take the
 * {@link Conv2dPointwiseGemm} path, which needs no gathering at all.
 */
public final class Conv2dIm2colGemm extends GemmConvolution {
    /**
     * @param weights outC x inCPerGroup x kH x kW values (Caffe's OIHW blob)
     * @param bias    outC values or null
     */
    public Conv2dIm2colGemm(float[] weights, float[] bias, int outC, int inCPerGroup, int kH, int kW, int group,
                            Activation activation) {
        this(weights, bias, outC, inCPerGroup, kH, kW, group, activation, Simd.sgemmKernel());
    }

    Conv2dIm2colGemm(float[] weights, float[] bias, int outC, int inCPerGroup, int kH, int kW, int group,
                     Activation activation, SgemmMicroKernel microKernel) {
        super(weights, bias, outC, inCPerGroup, kH, kW, group, activation, microKernel);
    }

    @Override
    public void forward(ConvShape shape, float[] in, int inOff, float[] out, int outOff, Parallel par) {
        checkShape(shape, in, inOff, out, outOff);
        if (shape.isPointwise()) {
            Conv2dPointwiseGemm.forwardPointwise(this, shape, in, inOff, out, outOff, par);
            return;
        }
        ConvScratch scratch = ConvScratch.forCurrentThread();
        PackedSgemm.multiply(weights, new Im2colPanels(shape, in, inOff, scratch), shape.outH() * shape.outW(), out,
                outOff, activation, par, microKernel);
    }

    /**
     * Packs tiles of the virtual im2col matrix of one image; row k = (ic*kH + ky)*kW + kx, column = oy*outW + ox.
     * The image is first copied once into a zero-padded buffer, so that element (k, j) is simply
     * {@code padded[rowBase(k) + columnOffset[j]]}: one branch-free gather per element whatever the stride,
     * padding or dilation, with no per-row segment bookkeeping (which dominated on 6x6 and 13x13 images).
     * Both buffers come from the calling thread's {@link ConvScratch} and are only read by the GEMM's tasks.
     */
    static final class Im2colPanels implements PanelSource {
        private final float[] src;
        private final int srcOff;
        private final int[] columnOffset;
        private final int channelStride;
        private final int tapRowStep;
        private final int tapColStep;
        private final int kH, kW;
        private final int inCPerGroup;

        Im2colPanels(ConvShape s, float[] in, int inOff, ConvScratch scratch) {
            int paddedH = s.inH() + 2 * s.padH();
            int paddedW = s.inW() + 2 * s.padW();
            if (s.padH() == 0 && s.padW() == 0) {
                this.src = in;
                this.srcOff = inOff;
            } else {
                this.src = scratch.padded(s.inC() * paddedH * paddedW);
                this.srcOff = 0;
                pad(s, in, inOff, src, paddedH, paddedW);
            }
            int outH = s.outH(), outW = s.outW();
            this.columnOffset = scratch.columns(outH * outW);
            for (int oy = 0, j = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++, j++) {
                    columnOffset[j] = oy * s.strideH() * paddedW + ox * s.strideW();
                }
            }
            this.channelStride = paddedH * paddedW;
            this.tapRowStep = s.dilationH() * paddedW;
            this.tapColStep = s.dilationW();
            this.kH = s.kH();
            this.kW = s.kW();
            this.inCPerGroup = s.inCPerGroup();
        }

        private static void pad(ConvShape s, float[] in, int inOff, float[] dst, int paddedH, int paddedW) {
            int inH = s.inH(), inW = s.inW(), padH = s.padH(), padW = s.padW();
            int d = 0;
            for (int c = 0; c < s.inC(); c++) {
                Arrays.fill(dst, d, d + padH * paddedW, 0f);
                d += padH * paddedW;
                for (int y = 0; y < inH; y++) {
                    Arrays.fill(dst, d, d + padW, 0f);
                    System.arraycopy(in, inOff + (c * inH + y) * inW, dst, d + padW, inW);
                    Arrays.fill(dst, d + padW + inW, d + paddedW, 0f);
                    d += paddedW;
                }
                Arrays.fill(dst, d, d + padH * paddedW, 0f);
                d += padH * paddedW;
            }
        }

        @Override
        public void pack(int group, int k0, int kc, int j0, int valid, int width, float[] dst, int dstOff) {
            int taps = kH * kW;
            int ic = k0 / taps;
            int ky = (k0 % taps) / kW;
            int kx = k0 % kW;
            int[] cols = columnOffset;
            float[] x = src;
            for (int kk = 0; kk < kc; kk++, dstOff += width) {
                int base = srcOff + (group * inCPerGroup + ic) * channelStride + ky * tapRowStep + kx * tapColStep;
                for (int q = 0; q < valid; q++) {
                    dst[dstOff + q] = x[base + cols[j0 + q]];
                }
                if (valid < width) {
                    Arrays.fill(dst, dstOff + valid, dstOff + width, 0f);
                }
                if (++kx == kW) {
                    kx = 0;
                    if (++ky == kH) {
                        ky = 0;
                        ic++;
                    }
                }
            }
        }
    }
}
