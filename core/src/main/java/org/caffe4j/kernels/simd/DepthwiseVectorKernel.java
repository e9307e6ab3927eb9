package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.CpuProfile;
import org.caffe4j.kernels.conv.DepthwiseRowKernel;
import org.caffe4j.kernels.layout.EvenOddSplit;

/**
 * Vector API depthwise row: LANES outputs at a time, one contiguous load and one fma per tap (the phase-split
 * input makes strided windows contiguous), then bias and ReLU as in the GEMM kernels' output pass. The row's last
 * partial vector is recomputed as a whole vector ending at the row's end: those outputs are written twice with the
 * same float-op sequence, hence the same bits, and no scalar tail remains (on 512-bit vectors MobileNet's 28-wide
 * rows had 12 scalar outputs). Rows narrower than one vector come as one run across several rows ({@link
 * org.caffe4j.kernels.conv.Conv2dDepthwise}); a run still narrower goes to the scalar twin: narrower species here
 * made JDK 17's shared Vector API call sites megamorphic and every vector kernel several times slower. Loaded only
 * through {@link Simd}.
 */
final class DepthwiseVectorKernel implements DepthwiseRowKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    private static final DepthwiseRowKernel TAIL = new DepthwiseScalarKernel();

    /** Stride-2 planes split with permutes where they compile well (see {@link EvenOddSplitVector}). */
    private static final EvenOddSplit SPLIT = CpuProfile.thisJvm(S.vectorBitSize()).permuteStrideTwo()
            ? new EvenOddSplitVector()
            : EvenOddSplit.SCALAR;

    @Override
    public int width() {
        return LANES;
    }

    @Override
    public EvenOddSplit evenOddSplit() {
        return SPLIT;
    }

    @Override
    public void row(float[] src, int srcOff, int[] taps, float[] w, int wOff, float bias, boolean relu, float slope,
                    float[] out, int outOff, int n) {
        int ox = 0;
        for (; ox <= n - LANES; ox += LANES) {
            vector(src, srcOff, taps, w, wOff, bias, relu, slope, out, outOff, ox);
        }
        if (ox < n) {
            if (n >= LANES) {
                vector(src, srcOff, taps, w, wOff, bias, relu, slope, out, outOff, n - LANES);
            } else {
                TAIL.row(src, srcOff, taps, w, wOff, bias, relu, slope, out, outOff, n);
            }
        }
    }

    private static void vector(float[] src, int srcOff, int[] taps, float[] w, int wOff, float bias, boolean relu,
                               float slope, float[] out, int outOff, int ox) {
        FloatVector acc = FloatVector.zero(S);
        for (int t = 0; t < taps.length; t++) {
            acc = FloatVector.broadcast(S, w[wOff + t]).fma(FloatVector.fromArray(S, src, srcOff + taps[t] + ox), acc);
        }
        FloatVector y = acc.add(bias);
        if (relu && slope == 0f) {
            y = y.max(0f);
        } else if (relu) {
            y = y.blend(y.mul(slope), y.compare(VectorOperators.LE, 0f));
        }
        y.intoArray(out, outOff + ox);
    }
}
