package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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

    @Override
    public int width() {
        return LANES;
    }

    @Override
    public EvenOddSplit evenOddSplit() {
        return EvenOddSplitVector.FOR_THIS_JVM; // stride-2 planes split with permutes
    }

    @Override
    public void row(float[] src, int srcOff, int[] taps, float[] w, int wOff, float bias, boolean relu, float slope,
                    float[] out, int outOff, int n) {
        if (taps.length == 9 && n >= LANES) {
            rowOfNineTaps(src, srcOff, taps, w, wOff, bias, relu, slope, out, outOff, n);
            return;
        }
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

    /**
     * 3x3 kernels (MobileNet's): the nine weight vectors and tap offsets are held in locals across the row instead
     * of being re-broadcast for every output vector. Same float-op sequence per output as {@link #vector}.
     */
    private static void rowOfNineTaps(float[] src, int srcOff, int[] taps, float[] w, int wOff, float bias,
                                      boolean relu, float slope, float[] out, int outOff, int n) {
        FloatVector w0 = FloatVector.broadcast(S, w[wOff]), w1 = FloatVector.broadcast(S, w[wOff + 1]);
        FloatVector w2 = FloatVector.broadcast(S, w[wOff + 2]), w3 = FloatVector.broadcast(S, w[wOff + 3]);
        FloatVector w4 = FloatVector.broadcast(S, w[wOff + 4]), w5 = FloatVector.broadcast(S, w[wOff + 5]);
        FloatVector w6 = FloatVector.broadcast(S, w[wOff + 6]), w7 = FloatVector.broadcast(S, w[wOff + 7]);
        FloatVector w8 = FloatVector.broadcast(S, w[wOff + 8]);
        int t0 = srcOff + taps[0], t1 = srcOff + taps[1], t2 = srcOff + taps[2], t3 = srcOff + taps[3];
        int t4 = srcOff + taps[4], t5 = srcOff + taps[5], t6 = srcOff + taps[6], t7 = srcOff + taps[7];
        int t8 = srcOff + taps[8];
        float floor = relu && slope == 0f ? 0f : Float.NEGATIVE_INFINITY;
        boolean leaky = relu && slope != 0f;
        for (int ox = 0; ox < n; ox += LANES) {
            int x = Math.min(ox, n - LANES); // the last partial vector ends at the row's end (written twice)
            FloatVector acc = w0.fma(FloatVector.fromArray(S, src, t0 + x), FloatVector.zero(S));
            acc = w1.fma(FloatVector.fromArray(S, src, t1 + x), acc);
            acc = w2.fma(FloatVector.fromArray(S, src, t2 + x), acc);
            acc = w3.fma(FloatVector.fromArray(S, src, t3 + x), acc);
            acc = w4.fma(FloatVector.fromArray(S, src, t4 + x), acc);
            acc = w5.fma(FloatVector.fromArray(S, src, t5 + x), acc);
            acc = w6.fma(FloatVector.fromArray(S, src, t6 + x), acc);
            acc = w7.fma(FloatVector.fromArray(S, src, t7 + x), acc);
            acc = w8.fma(FloatVector.fromArray(S, src, t8 + x), acc);
            FloatVector y = acc.add(bias).max(floor);
            if (leaky) {
                y = y.blend(y.mul(slope), y.compare(VectorOperators.LE, 0f));
            }
            y.intoArray(out, outOff + x);
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
