package org.caffe4j.kernels.conv;

import java.util.Arrays;
import java.util.function.IntConsumer;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.gemm.PackedSgemm;
import org.caffe4j.kernels.gemm.PanelSource;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.caffe4j.kernels.layout.EvenOddSplit;

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
 * {@link Conv2dPointwiseGemm} path, which needs no gathering at all, and strided unpadded 1x1 shapes the same GEMM
 * on the input subsampled to the output grid ({@link #subsample}).
 */
public final class Conv2dIm2colGemm extends GemmConvolution {
    /**
     * @param weights     outC x inCPerGroup x kH x kW values (Caffe's OIHW blob)
     * @param bias        outC values or null
     * @param microKernel the GEMM's register tile: the Vector API's or its scalar twin (bit-identical)
     */
    public Conv2dIm2colGemm(float[] weights, float[] bias, int outC, int inCPerGroup, int kH, int kW, int group,
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
        PackedSgemm.multiply(weights, panels(shape, 1, in, inOff, ConvScratch.forCurrentThread(), par),
                shape.outH() * shape.outW(), out, outOff, activation, par, microKernel);
    }

    /**
     * The input pixels a strided 1x1 convolution reads, {@code images} images of inC x outH x outW in the calling
     * thread's scratch: the B matrix of a pointwise GEMM, which then takes none of im2col's per-row gathering (as
     * phase planes, ResNet-50's downsampling 1x1 layers spent most of their time copying, on one thread, input
     * columns they never read). Same float operations per output as the im2col path.
     */
    static float[] subsample(ConvShape s, int images, float[] in, int inOff, ConvScratch scratch, Parallel par) {
        int outH = s.outH(), outW = s.outW(), plane = outH * outW;
        int planes = images * s.inC();
        float[] grid = scratch.padded(Math.multiplyExact(planes, plane));
        forEachPlane(planes, par, p -> {
            int src = inOff + p * s.inH() * s.inW(); // images are consecutive inC-plane runs
            int dst = p * plane;
            for (int oy = 0; oy < outH; oy++) {
                int row = src + oy * s.strideH() * s.inW();
                for (int ox = 0; ox < outW; ox++) {
                    grid[dst++] = in[row + ox * s.strideW()];
                }
            }
        });
        return grid;
    }

    /** Runs {@code plane} for planes 0 .. planes-1 on par's threads, in at most {@link #COPY_TASKS} runs. */
    private static void forEachPlane(int planes, Parallel par, IntConsumer plane) {
        int perTask = ceilDiv(planes, Math.min(planes, COPY_TASKS));
        par.forEach(ceilDiv(planes, perTask), task -> {
            int end = Math.min(planes, (task + 1) * perTask);
            for (int p = task * perTask; p < end; p++) {
                plane.accept(p);
            }
        });
    }

    /** Most tasks a copy of the input into scratch is split into (a few per thread, by shape only). */
    static final int COPY_TASKS = 16;

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * Packs tiles of the virtual im2col matrix; row k = (ic*kH + ky)*kW + kx, column = oy*outW + ox (image after
     * image). The image is first copied once into a zero-padded buffer, split by column phase when the horizontal
     * stride s is above 1: padded column x goes to plane x % s at position x / s. Then the input pixels an output row
     * reads for one kernel tap are consecutive in the buffer whatever the stride, padding or dilation, and each
     * output row a tile touches is one run, the same for every im2col row of the tile: the runs are worked out once
     * per tile, where each row starts once per call, and the micro-kernel's
     * {@link SgemmMicroKernel#gatherRows} copies them (AlexNet's 13x13 layers, one thread: packing 0.41 -> 0.24 ms
     * for conv4, a tile row of three runs 17 -> 7 ns). Both buffers come from the calling thread's
     * {@link ConvScratch} and are only read by the GEMM's tasks.
     */
    static final class Im2colPanels implements PanelSource {
        private final float[] src;
        private final int srcOff;
        private final int[] columnOffset;
        /** Row k of a group's im2col matrix (channel k / taps, tap k % taps) starts at src[srcOff + group base + this]. */
        private final int[] rowOffsets;
        private final int channelStride;
        private final int inCPerGroup;
        private final int outW;
        private final int pixels;
        private final SgemmMicroKernel kernel;
        /** A pack call's runs (source column offset, length), one per output row its columns touch. */
        private static final ThreadLocal<int[]> RUNS = ThreadLocal.withInitial(() -> new int[0]);

        /**
         * Columns are the output pixels of {@code images} consecutive images (image i at inOff + i*inSize); the
         * padded copy is made on {@code par}'s threads, a run of channels per task.
         */
        Im2colPanels(ConvShape s, int images, float[] in, int inOff, ConvScratch scratch, Parallel par,
                     SgemmMicroKernel kernel) {
            int paddedH = s.inH() + 2 * s.padH();
            int paddedW = s.inW() + 2 * s.padW();
            int sw = s.strideW();
            int phaseW = (paddedW + sw - 1) / sw;
            int phasePlane = paddedH * phaseW;
            this.channelStride = sw * phasePlane;
            int imageStride = s.inC() * channelStride;
            if (s.padH() == 0 && s.padW() == 0 && sw == 1) {
                this.src = in; // already laid out as needed
                this.srcOff = inOff;
            } else {
                float[] dst = scratch.padded(images * imageStride);
                this.src = dst;
                this.srcOff = 0;
                int perChannel = channelStride;
                // Plane p is channel p % inC of image p / inC, in the input and in the copy.
                EvenOddSplit split = kernel.evenOddSplit();
                forEachPlane(images * s.inC(), par, p -> padAndSplit(s, in, inOff + p * s.inH() * s.inW(), dst,
                        p * perChannel, paddedH, phaseW, split));
            }
            int outH = s.outH(), outW = s.outW();
            this.columnOffset = scratch.columns(images * outH * outW);
            for (int i = 0, j = 0; i < images; i++) {
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++, j++) {
                        columnOffset[j] = i * imageStride + oy * s.strideH() * phaseW + ox;
                    }
                }
            }
            int tapRowStep = s.dilationH() * phaseW;
            int kH = s.kH(), kW = s.kW(), depth = s.inCPerGroup() * kH * kW;
            this.rowOffsets = scratch.rowOffsets(depth);
            for (int ic = 0, k = 0; ic < s.inCPerGroup(); ic++) {
                for (int ky = 0; ky < kH; ky++) {
                    for (int kx = 0; kx < kW; kx++, k++) {
                        int tapX = kx * s.dilationW();
                        rowOffsets[k] = ic * channelStride + (tapX % sw) * phasePlane + ky * tapRowStep + tapX / sw;
                    }
                }
            }
            this.inCPerGroup = s.inCPerGroup();
            this.outW = outW;
            this.pixels = outH * outW;
            this.kernel = kernel;
        }

        /** Writes one channel zero-padded, as strideW planes of paddedH x phaseW (column phases). */
        private static void padAndSplit(ConvShape s, float[] in, int inOff, float[] dst, int dstOff, int paddedH,
                                        int phaseW, EvenOddSplit split) {
            int inH = s.inH(), inW = s.inW(), padH = s.padH(), padW = s.padW(), sw = s.strideW();
            int d = dstOff;
            for (int phase = 0; phase < sw; phase++) {
                for (int y = 0; y < paddedH; y++, d += phaseW) {
                    int iy = y - padH;
                    if (iy < 0 || iy >= inH) {
                        Arrays.fill(dst, d, d + phaseW, 0f);
                        continue;
                    }
                    int row = inOff + iy * inW;
                    if (sw == 1) {
                        Arrays.fill(dst, d, d + padW, 0f);
                        System.arraycopy(in, row, dst, d + padW, inW);
                        Arrays.fill(dst, d + padW + inW, d + phaseW, 0f);
                    } else if (sw == 2 && phase == 0) {
                        splitRow(in, row, inW, padW, dst, d, d + paddedH * phaseW, phaseW, split);
                    } else if (sw == 2) {
                        continue; // written with phase 0's row
                    } else {
                        for (int q = 0; q < phaseW; q++) {
                            int ix = q * sw + phase - padW;
                            dst[d + q] = ix >= 0 && ix < inW ? in[row + ix] : 0f;
                        }
                    }
                }
            }
        }

        /**
         * One input row of a stride-2 layer into its two phase rows (at phase0 and phase1), zero-padded: column ix is
         * padded column ix + padW, so the even columns go to phase padW % 2 from position padW / 2 and the odd ones to
         * the other phase from (padW + 1) / 2, each a sequential run; the vector kernel splits a row with permutes
         * instead of a strided loop (SqueezeNet's, GoogLeNet's and ResNet-50's first layers).
         */
        private static void splitRow(float[] in, int row, int inW, int padW, float[] dst, int phase0, int phase1,
                                     int phaseW, EvenOddSplit split) {
            int evenRow = padW % 2 == 0 ? phase0 : phase1;
            int oddRow = padW % 2 == 0 ? phase1 : phase0;
            int evenStart = padW / 2;
            int oddStart = (padW + 1) / 2;
            int evens = (inW + 1) / 2;
            int odds = inW / 2;
            Arrays.fill(dst, evenRow, evenRow + evenStart, 0f);
            Arrays.fill(dst, oddRow, oddRow + oddStart, 0f);
            split.split(in, row, odds, dst, evenRow + evenStart, oddRow + oddStart);
            if (evens > odds) {
                dst[evenRow + evenStart + odds] = in[row + inW - 1];
            }
            Arrays.fill(dst, evenRow + evenStart + evens, evenRow + phaseW, 0f);
            Arrays.fill(dst, oddRow + oddStart + odds, oddRow + phaseW, 0f);
        }

        @Override
        public void pack(int group, int k0, int kc, int j0, int valid, int width, float[] dst, int dstOff) {
            int[] runs = RUNS.get();
            if (runs.length < 2 * valid) {
                runs = new int[2 * valid];
                RUNS.set(runs);
            }
            // One contiguous run per output row the columns touch, the same for every row of the block.
            int count = 0;
            for (int q = 0, ox = (j0 % pixels) % outW; q < valid; ox = 0, count++) {
                int len = Math.min(outW - ox, valid - q);
                runs[2 * count] = columnOffset[j0 + q];
                runs[2 * count + 1] = len;
                q += len;
            }
            kernel.gatherRows(src, srcOff + group * inCPerGroup * channelStride, rowOffsets, k0, kc, runs, count,
                    dst, dstOff, width, valid);
        }
    }
}
