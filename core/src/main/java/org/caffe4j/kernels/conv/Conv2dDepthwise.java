package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.layout.EvenOddSplit;
import org.caffe4j.kernels.layout.PhaseSplitPlane;

/**
 * Depthwise convolution (one input channel per group; output channel oc reads input channel oc / multiplier,
 * multiplier = outC / group) computed directly, any kernel size, stride, padding and dilation. As a GEMM per group
 * it would be a 1 x kH*kW by kH*kW x pixels product filling one row of the 8-row micro-tile; here each output row is
 * one {@link DepthwiseRowKernel} call, vectorized across the row's pixels.
 *
 * <p>Each input channel is first copied into a zero-padded {@link PhaseSplitPlane} (vertical padding as zero rows),
 * so every tap of every output is a plain read and a strided window is still contiguous. Work is split into tasks of
 * whole (image, output channel) planes by shape only; each output is the row kernel's fixed float-op sequence
 * (fma over taps, + bias, ReLU), so results do not depend on the thread count. Scratch: one padded plane per thread.
 */
public final class Conv2dDepthwise implements Conv2dKernel {
    /** Output values a task should at least compute, so that handing it out is cheap in comparison. */
    private static final int OUTPUTS_PER_TASK = 1 << 14;
    private static final ThreadLocal<float[]> PLANE = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> RUN = ThreadLocal.withInitial(() -> new float[0]);

    private final float[] weights;
    private final float[] bias;
    private final int outC;
    private final int kH;
    private final int kW;
    private final int group;
    private final Activation activation;
    private final DepthwiseRowKernel rowKernel;

    /**
     * @param weights   outC x 1 x kH x kW values (Caffe's OIHW blob with one input channel per group)
     * @param bias      outC values or null
     * @param rowKernel the Vector API's row kernel or its scalar twin (bit-identical)
     */
    public Conv2dDepthwise(float[] weights, float[] bias, int outC, int kH, int kW, int group, Activation activation,
                           DepthwiseRowKernel rowKernel) {
        if (outC <= 0 || kH <= 0 || kW <= 0 || group <= 0 || outC % group != 0) {
            throw new IllegalArgumentException("invalid depthwise geometry: outC=" + outC + " kernel=" + kH + "x"
                    + kW + " group=" + group);
        }
        if (weights.length != (long) outC * kH * kW) {
            throw new IllegalArgumentException("weights have " + weights.length + " values; expected " + outC + "x1x"
                    + kH + "x" + kW);
        }
        if (bias != null && bias.length != outC) {
            throw new IllegalArgumentException("bias has " + bias.length + " values; expected " + outC);
        }
        this.weights = weights.clone();
        this.bias = bias == null ? null : bias.clone();
        this.outC = outC;
        this.kH = kH;
        this.kW = kW;
        this.group = group;
        this.activation = activation;
        this.rowKernel = rowKernel;
    }

    /** Whether this kernel computes {@code s}: one input channel per group. */
    public static boolean supports(ConvShape s) {
        return s.inCPerGroup() == 1;
    }

    @Override
    public long weightBytes() {
        return 4L * weights.length;
    }

    @Override
    public void forward(ConvShape shape, float[] in, int inOff, float[] out, int outOff, Parallel par) {
        forward(shape, 1, in, inOff, out, outOff, par);
    }

    /** All images' planes are spread over one set of tasks, so small maps still give every thread work. */
    @Override
    public void forward(ConvShape s, int batch, float[] in, int inOff, float[] out, int outOff, Parallel par) {
        check(s, batch, in, inOff, out, outOff);
        int oh = s.outH(), ow = s.outW();
        int multiplier = outC / group;
        PhaseSplitPlane layout = PhaseSplitPlane.of(s.inH(), s.inW(), s.padH(), s.padH(), s.padW(), s.strideW(), ow,
                s.dilationW() * (kW - 1) + 1);
        int[] taps = new int[kH * kW];
        for (int ky = 0; ky < kH; ky++) {
            for (int kx = 0; kx < kW; kx++) {
                taps[ky * kW + kx] = layout.offset(ky * s.dilationH(), kx * s.dilationW());
            }
        }
        int planes = batch * outC;
        int planesPerTask = Math.max(1, OUTPUTS_PER_TASK / (oh * ow));
        int tasks = (planes + planesPerTask - 1) / planesPerTask;
        int rowStep = s.strideH() * layout.phaseWidth();
        // Rows narrower than the row kernel's vector: the whole plane as one run over consecutive rows (output row
        // oy at run position oy * rowStep, the positions between rows computed and dropped), so the vector kernel
        // still runs whole vectors. Each kept output is the same float-op sequence, so the bits do not change.
        boolean asOneRun = ow < rowKernel.width() && oh > 1;
        int runLength = (oh - 1) * rowStep + ow;
        EvenOddSplit split = rowKernel.evenOddSplit();
        par.forEach(tasks, t -> {
            float[] plane = scratch(PLANE, layout.size());
            float[] run = asOneRun ? scratch(RUN, runLength) : null;
            layout.clear(plane);
            int copied = -1; // the (image, input channel) plane the buffer holds
            for (int p = t * planesPerTask, end = Math.min(planes, p + planesPerTask); p < end; p++) {
                int image = p / outC, oc = p % outC;
                int source = image * s.inC() + oc / multiplier;
                if (source != copied) {
                    layout.copy(in, inOff + source * s.inH() * s.inW(), s.inH(), s.inW(), plane, split);
                    copied = source;
                }
                int o = outOff + p * oh * ow;
                if (run != null) {
                    planeAsOneRun(plane, taps, oc, run, runLength, rowStep, out, o, oh, ow);
                } else {
                    planeByRows(plane, taps, oc, rowStep, out, o, oh, ow);
                }
            }
        });
    }

    private void planeByRows(float[] plane, int[] taps, int oc, int rowStep, float[] out, int o, int oh, int ow) {
        float b = bias == null ? 0f : bias[oc];
        for (int oy = 0; oy < oh; oy++) {
            rowKernel.row(plane, oy * rowStep, taps, weights, oc * kH * kW, b, activation.relu(),
                    activation.negativeSlope(), out, o + oy * ow, ow);
        }
    }

    private void planeAsOneRun(float[] plane, int[] taps, int oc, float[] run, int runLength, int rowStep, float[] out,
                               int o, int oh, int ow) {
        float b = bias == null ? 0f : bias[oc];
        rowKernel.row(plane, 0, taps, weights, oc * kH * kW, b, activation.relu(), activation.negativeSlope(), run, 0,
                runLength);
        for (int oy = 0; oy < oh; oy++) {
            System.arraycopy(run, oy * rowStep, out, o + oy * ow, ow);
        }
    }

    /** The calling thread's buffer of at least {@code size} floats. */
    private static float[] scratch(ThreadLocal<float[]> local, int size) {
        float[] buffer = local.get();
        if (buffer.length < size) {
            buffer = new float[size];
            local.set(buffer);
        }
        return buffer;
    }

    private void check(ConvShape s, int batch, float[] in, int inOff, float[] out, int outOff) {
        if (!supports(s) || s.outC() != outC || s.kH() != kH || s.kW() != kW || s.group() != group) {
            throw new IllegalArgumentException("shape " + s + " does not match the prepared depthwise weights: outC="
                    + outC + " kernel=" + kH + "x" + kW + " group=" + group);
        }
        if (s.outH() <= 0 || s.outW() <= 0) {
            throw new IllegalArgumentException("kernel larger than the padded input: " + s);
        }
        if (inOff < 0 || inOff + (long) batch * s.inSize() > in.length || outOff < 0
                || outOff + (long) batch * s.outSize() > out.length) {
            throw new IllegalArgumentException("arrays too short for " + batch + " images of " + s);
        }
    }
}
