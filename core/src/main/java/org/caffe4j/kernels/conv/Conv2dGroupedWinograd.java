package org.caffe4j.kernels.conv;

import java.util.Arrays;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * A grouped convolution as one {@link Conv2dWinograd} per group: Caffe's groups are independent convolutions on
 * consecutive runs of input and output channels (and of OIHW weights), so group g reads channels
 * g*inC/group .. of the image and writes its own run of output channels. AlexNet's grouped 5x5 and 3x3 layers
 * otherwise run im2col, which Winograd beats on such shapes (NIN's ungrouped 5x5 on 27x27: F(4,5) ~2x im2col).
 * Each group's output is exactly what that group's Winograd kernel gives alone.
 */
public final class Conv2dGroupedWinograd implements Conv2dKernel {
    /** Fewest input and output channels per group that take this kernel (a Winograd GEMM over fewer is all edge). */
    public static final int MIN_CHANNELS_PER_GROUP = 8;
    /**
     * Fewest Winograd tiles per image: the groups run one after another, so each must fill the GEMM's columns on
     * its own. Zen 5, 2 threads, AlexNet's layers alone: conv2 (27x27, 5x5, 49 tiles of F(4,5)) 1.02 ms against
     * im2col's 1.58; conv4 (13x13, 3x3, 25 tiles of F(3,3), 16 of F(4,3)) 0.95 and 0.88 against 0.85, conv5 0.88
     * and 0.69 against 0.53.
     */
    static final int MIN_TILES = 32;

    private final Conv2dWinograd[] groups;
    private final int outC;
    private final int inC;
    private final int r;

    /**
     * @param w     outC x (inC/group) x r x r weights (Caffe's OIHW blob of a grouped layer)
     * @param bias  outC values or null
     * @param m     the Winograd output tile of every group
     */
    public Conv2dGroupedWinograd(float[] w, float[] bias, int outC, int inC, int group, int r, int m,
                                 Activation activation, SgemmMicroKernel microKernel,
                                 WinogradTransformKernel tileKernel) {
        if (group < 2 || outC % group != 0 || inC % group != 0) {
            throw new IllegalArgumentException("not a grouped layer: outC=" + outC + " inC=" + inC + " group=" + group);
        }
        int outPer = outC / group;
        int inPer = inC / group;
        int size = outPer * inPer * r * r;
        if ((long) size * group != w.length) {
            throw new IllegalArgumentException("weights have " + w.length + " values; expected " + outC + "x" + inPer
                    + "x" + r + "x" + r);
        }
        if (bias != null && bias.length != outC) {
            throw new IllegalArgumentException("bias has " + bias.length + " values; expected " + outC);
        }
        this.groups = new Conv2dWinograd[group];
        for (int g = 0; g < group; g++) {
            groups[g] = new Conv2dWinograd(Arrays.copyOfRange(w, g * size, (g + 1) * size),
                    bias == null ? null : Arrays.copyOfRange(bias, g * outPer, (g + 1) * outPer), outPer, inPer, r, m,
                    activation, microKernel, tileKernel);
        }
        this.outC = outC;
        this.inC = inC;
        this.r = r;
    }

    /** Whether a layer may take this kernel: grouped, each group a shape Winograd supports, not depthwise-thin. */
    public static boolean supports(ConvShape s) {
        return s.group() > 1 && s.inCPerGroup() >= MIN_CHANNELS_PER_GROUP
                && s.outCPerGroup() >= MIN_CHANNELS_PER_GROUP && Conv2dWinograd.supports(groupShape(s));
    }

    /**
     * The Winograd tile for a grouped layer: what {@link Conv2dWinograd#chooseTileSize} picks for one group, or 0
     * (im2col) when that gives fewer than {@link #MIN_TILES} tiles per image or the layer does not qualify.
     */
    public static int chooseTileSize(ConvShape s, org.caffe4j.kernels.CpuProfile cpu) {
        if (!supports(s)) {
            return 0;
        }
        int m = Conv2dWinograd.chooseTileSize(groupShape(s), cpu);
        long tiles = m == 0 ? 0 : (long) ((s.outH() + m - 1) / m) * ((s.outW() + m - 1) / m);
        return tiles >= MIN_TILES ? m : 0;
    }

    /** One group's convolution: the layer's geometry with inC/group inputs, outC/group outputs and no groups. */
    public static ConvShape groupShape(ConvShape s) {
        return new ConvShape(s.inCPerGroup(), s.inH(), s.inW(), s.outCPerGroup(), s.kH(), s.kW(), s.strideH(),
                s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW(), 1);
    }

    /** The Winograd tile of the groups. */
    public int tileSize() {
        return groups[0].tileSize();
    }

    @Override
    public boolean copiesWeights() {
        return true;
    }

    @Override
    public long weightBytes() {
        long bytes = 0;
        for (Conv2dWinograd g : groups) {
            bytes += g.weightBytes();
        }
        return bytes;
    }

    @Override
    public void forward(ConvShape shape, float[] in, int inOff, float[] out, int outOff, Parallel par) {
        forward(shape, 1, in, inOff, out, outOff, par);
    }

    /** Image by image (a group's channels are not consecutive across images), group by group. */
    @Override
    public void forward(ConvShape shape, int batch, float[] in, int inOff, float[] out, int outOff, Parallel par) {
        if (shape.group() != groups.length || shape.inC() != inC || shape.outC() != outC || shape.kH() != r
                || shape.kW() != r) {
            throw new IllegalArgumentException("shape " + shape + " does not match the grouped Winograd kernel: "
                    + outC + "x" + inC / groups.length + "x" + r + "x" + r + ", " + groups.length + " groups");
        }
        if (batch <= 0 || inOff < 0 || outOff < 0 || inOff + (long) batch * shape.inSize() > in.length
                || outOff + (long) batch * shape.outSize() > out.length) {
            throw new IllegalArgumentException("arrays too short for " + batch + " images of " + shape);
        }
        ConvShape g = groupShape(shape);
        for (int i = 0; i < batch; i++) {
            for (int k = 0; k < groups.length; k++) {
                groups[k].forward(g, in, inOff + i * shape.inSize() + k * g.inSize(), out,
                        outOff + i * shape.outSize() + k * g.outSize(), par);
            }
        }
    }
}
