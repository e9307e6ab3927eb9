package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * A strided k x k convolution (stride s, no dilation, one group) computed as a stride-1 convolution so that
 * Winograd applies: input pixel (y, x) of channel c moves to channel c*s² + (y mod s)*s + (x mod s) at
 * (y / s, x / s) (the padding applied first), and the kernel becomes ceil(k/s) x ceil(k/s) over s² times more
 * channels, zero where the original kernel had no tap. For NIN's and AlexNet's conv1 (11x11, stride 4, 3
 * channels) that is a 3x3 convolution over 48 channels: 19% more multiply-adds than im2col, but F(4,3) then
 * needs 3x fewer than im2col, and the stride-4 gather becomes a contiguous one.
 */
public final class Conv2dSpaceToDepth implements Conv2dKernel {
    private final Conv2dWinograd inner;
    private final int inC;
    private final int outC;
    private final int k;
    private final int stride;
    private final int reducedK;

    /**
     * @param w    outC x inC x k x k weights (OIHW)
     * @param bias outC values or null
     * @param m    Winograd output tile size for the ceil(k/s) x ceil(k/s) stride-1 convolution
     * @param microKernel and {@code tileKernel}: the Winograd convolution's, see {@link Conv2dWinograd}
     */
    public Conv2dSpaceToDepth(float[] w, float[] bias, int outC, int inC, int k, int stride, int m,
                              Activation activation, SgemmMicroKernel microKernel, WinogradTransformKernel tileKernel) {
        if (stride < 2 || (long) outC * inC * k * k != w.length) {
            throw new IllegalArgumentException("space-to-depth needs stride >= 2 and " + outC + "x" + inC + "x" + k
                    + "x" + k + " weights, got stride " + stride + " and " + w.length + " values");
        }
        this.inC = inC;
        this.outC = outC;
        this.k = k;
        this.stride = stride;
        this.reducedK = ceilDiv(k, stride);
        int channels = inC * stride * stride;
        float[] reduced = new float[outC * channels * reducedK * reducedK];
        for (int oc = 0; oc < outC; oc++) {
            for (int ic = 0; ic < inC; ic++) {
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        int c = ic * stride * stride + (ky % stride) * stride + kx % stride;
                        reduced[((oc * channels + c) * reducedK + ky / stride) * reducedK + kx / stride] =
                                w[((oc * inC + ic) * k + ky) * k + kx];
                    }
                }
            }
        }
        this.inner = new Conv2dWinograd(reduced, bias, outC, channels, reducedK, m, activation, microKernel,
                tileKernel);
    }

    /** Whether {@code s} is a strided square convolution this kernel can rewrite (one group, no dilation). */
    public static boolean supports(ConvShape s) {
        return s.group() == 1 && s.kH() == s.kW() && s.strideH() == s.strideW() && s.strideH() >= 2
                && s.dilationH() == 1 && s.dilationW() == 1 && ceilDiv(s.kH(), s.strideH()) >= 2;
    }

    /** The stride-1 convolution {@code s} becomes; its output is exactly {@code s}'s. */
    public static ConvShape rewritten(ConvShape s) {
        int reducedK = ceilDiv(s.kH(), s.strideH());
        return new ConvShape(s.inC() * s.strideH() * s.strideH(), s.outH() + reducedK - 1, s.outW() + reducedK - 1,
                s.outC(), reducedK, reducedK, 1, 1, 0, 0, 1, 1, 1);
    }

    /** The Winograd output tile size m of the rewritten stride-1 convolution. */
    public int tileSize() {
        return inner.tileSize();
    }

    /** The transformed weights only: the array given to the constructor is not kept. */
    @Override
    public boolean copiesWeights() {
        return true;
    }

    /** The rewritten kernel's transformed weights (the zero taps the rewrite adds included). */
    @Override
    public long weightBytes() {
        return inner.weightBytes();
    }

    @Override
    public void forward(ConvShape shape, float[] in, int inOff, float[] out, int outOff, Parallel par) {
        forward(shape, 1, in, inOff, out, outOff, par);
    }

    @Override
    public void forward(ConvShape shape, int batch, float[] in, int inOff, float[] out, int outOff, Parallel par) {
        if (!supports(shape) || shape.inC() != inC || shape.outC() != outC || shape.kH() != k
                || shape.strideH() != stride) {
            throw new IllegalArgumentException("shape " + shape + " does not match the space-to-depth kernel: "
                    + outC + "x" + inC + "x" + k + "x" + k + ", stride " + stride);
        }
        if (shape.outH() <= 0 || shape.outW() <= 0) {
            throw new IllegalArgumentException("kernel larger than the padded input: " + shape);
        }
        if (batch <= 0 || inOff < 0 || inOff + (long) batch * shape.inSize() > in.length) {
            throw new IllegalArgumentException("input array too short for " + batch + " images of " + shape);
        }
        ConvShape r = rewritten(shape);
        float[] x = ConvScratch.forCurrentThread().rearranged(Math.multiplyExact(batch, r.inSize()));
        int planes = batch * inC * stride;
        par.forEach(planes, task -> rearrange(shape, r, in, inOff, x, task));
        inner.forward(r, batch, x, 0, out, outOff, par);
    }

    /** Rows of phase py (all column phases) of one input channel of one image. */
    private void rearrange(ConvShape s, ConvShape r, float[] in, int inOff, float[] x, int task) {
        int py = task % stride;
        int ic = task / stride % inC;
        int image = task / stride / inC;
        int src = inOff + image * s.inSize() + ic * s.inH() * s.inW();
        int plane = r.inH() * r.inW();
        int width = r.inW();
        for (int px = 0; px < stride; px++) {
            int dst = image * r.inSize() + (ic * stride * stride + py * stride + px) * plane;
            // Output columns [lo, hi) read input columns xx*stride + px - padW inside the image; the rest are padding.
            int lo = Math.min(width, Math.max(0, ceilDiv(s.padW() - px, stride)));
            int hi = Math.max(lo, Math.min(width, ceilDiv(s.inW() + s.padW() - px, stride)));
            for (int yy = 0; yy < r.inH(); yy++) {
                int y = yy * stride + py - s.padH();
                int row = dst + yy * width;
                if (y < 0 || y >= s.inH()) {
                    java.util.Arrays.fill(x, row, row + width, 0f);
                    continue;
                }
                java.util.Arrays.fill(x, row, row + lo, 0f);
                for (int xx = lo, xi = src + y * s.inW() + lo * stride + px - s.padW(); xx < hi; xx++, xi += stride) {
                    x[row + xx] = in[xi];
                }
                java.util.Arrays.fill(x, row + hi, row + width, 0f);
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
