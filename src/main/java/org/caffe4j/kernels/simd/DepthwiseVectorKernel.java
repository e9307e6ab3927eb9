package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.conv.DepthwiseRowKernel;

/**
 * Vector API depthwise row: LANES outputs at a time, one contiguous load and one fma per tap (the phase-split
 * input makes strided windows contiguous), then bias and ReLU as in the GEMM kernels' output pass. A row is covered
 * by the widest vector (up to the preferred one) that fits in it, and its last partial vector is recomputed as a
 * whole vector ending at the row's end: those outputs are written twice with the same float-op sequence, hence the
 * same bits, and MobileNet's 7-, 14- and 28-wide rows need no scalar outputs (on 512-bit vectors a 14-wide row was
 * all scalar before). Rows narrower than 4 go to the scalar twin. One method per width, each
 * naming its species constant: with the species as a parameter C2 did not fold it and the vectors were boxed (10x
 * slower). Loaded only through {@link Simd}.
 */
final class DepthwiseVectorKernel implements DepthwiseRowKernel {
    private static final VectorSpecies<Float> W512 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Float> W256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> W128 = FloatVector.SPECIES_128;
    private static final DepthwiseRowKernel TAIL = new DepthwiseScalarKernel();

    private final int widestBits;

    DepthwiseVectorKernel() {
        this(FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    /** With the widest vector to use, 128, 256 or 512 bits: tests cover every width on any host. */
    DepthwiseVectorKernel(int widestBits) {
        if (widestBits != 128 && widestBits != 256 && widestBits != 512) {
            throw new IllegalArgumentException("vector width " + widestBits + " bits; expected 128, 256 or 512");
        }
        this.widestBits = widestBits;
    }

    @Override
    public void row(float[] src, int srcOff, int[] taps, float[] w, int wOff, float bias, boolean relu, float slope,
                    float[] out, int outOff, int n) {
        if (widestBits >= 512 && n >= 16) {
            row512(src, srcOff, taps, w, wOff, bias, relu, slope, out, outOff, n);
        } else if (widestBits >= 256 && n >= 8) {
            row256(src, srcOff, taps, w, wOff, bias, relu, slope, out, outOff, n);
        } else if (n >= 4) {
            row128(src, srcOff, taps, w, wOff, bias, relu, slope, out, outOff, n);
        } else {
            TAIL.row(src, srcOff, taps, w, wOff, bias, relu, slope, out, outOff, n);
        }
    }

    /** The row with 512-bit vectors; needs n >= their lane count. */
    private static void row512(float[] src, int srcOff, int[] taps, float[] w, int wOff, float bias, boolean relu,
                               float slope, float[] out, int outOff, int n) {
        int lanes = W512.length();
        for (int ox = 0; ; ox += lanes) {
            int at = Math.min(ox, n - lanes);
            FloatVector acc = FloatVector.zero(W512);
            for (int t = 0; t < taps.length; t++) {
                FloatVector x = FloatVector.fromArray(W512, src, srcOff + taps[t] + at);
                acc = FloatVector.broadcast(W512, w[wOff + t]).fma(x, acc);
            }
            FloatVector y = acc.add(bias);
            if (relu && slope == 0f) {
                y = y.max(0f);
            } else if (relu) {
                y = y.blend(y.mul(slope), y.compare(VectorOperators.LE, 0f));
            }
            y.intoArray(out, outOff + at);
            if (at + lanes >= n) {
                return;
            }
        }
    }

    /** The row with 256-bit vectors; needs n >= their lane count. */
    private static void row256(float[] src, int srcOff, int[] taps, float[] w, int wOff, float bias, boolean relu,
                               float slope, float[] out, int outOff, int n) {
        int lanes = W256.length();
        for (int ox = 0; ; ox += lanes) {
            int at = Math.min(ox, n - lanes);
            FloatVector acc = FloatVector.zero(W256);
            for (int t = 0; t < taps.length; t++) {
                FloatVector x = FloatVector.fromArray(W256, src, srcOff + taps[t] + at);
                acc = FloatVector.broadcast(W256, w[wOff + t]).fma(x, acc);
            }
            FloatVector y = acc.add(bias);
            if (relu && slope == 0f) {
                y = y.max(0f);
            } else if (relu) {
                y = y.blend(y.mul(slope), y.compare(VectorOperators.LE, 0f));
            }
            y.intoArray(out, outOff + at);
            if (at + lanes >= n) {
                return;
            }
        }
    }

    /** The row with 128-bit vectors; needs n >= their lane count. */
    private static void row128(float[] src, int srcOff, int[] taps, float[] w, int wOff, float bias, boolean relu,
                               float slope, float[] out, int outOff, int n) {
        int lanes = W128.length();
        for (int ox = 0; ; ox += lanes) {
            int at = Math.min(ox, n - lanes);
            FloatVector acc = FloatVector.zero(W128);
            for (int t = 0; t < taps.length; t++) {
                FloatVector x = FloatVector.fromArray(W128, src, srcOff + taps[t] + at);
                acc = FloatVector.broadcast(W128, w[wOff + t]).fma(x, acc);
            }
            FloatVector y = acc.add(bias);
            if (relu && slope == 0f) {
                y = y.max(0f);
            } else if (relu) {
                y = y.blend(y.mul(slope), y.compare(VectorOperators.LE, 0f));
            }
            y.intoArray(out, outOff + at);
            if (at + lanes >= n) {
                return;
            }
        }
    }
}
