package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.conv.DepthwiseRowKernel;

/**
 * Vector API depthwise row: LANES outputs at a time, one contiguous load and one fma per tap (the phase-split
 * input makes strided windows contiguous), then bias and ReLU as in the GEMM kernels' output pass. The outputs past
 * the last whole vector go to the scalar twin, which does the same float operations. Loaded only through
 * {@link Simd}.
 */
final class DepthwiseVectorKernel implements DepthwiseRowKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    private static final DepthwiseRowKernel TAIL = new DepthwiseScalarKernel();

    @Override
    public void row(float[] src, int srcOff, int[] taps, float[] w, int wOff, float bias, boolean relu, float slope,
                    float[] out, int outOff, int n) {
        int ox = 0;
        for (; ox <= n - LANES; ox += LANES) {
            FloatVector acc = FloatVector.zero(S);
            for (int t = 0; t < taps.length; t++) {
                acc = FloatVector.broadcast(S, w[wOff + t]).fma(FloatVector.fromArray(S, src, srcOff + taps[t] + ox),
                        acc);
            }
            FloatVector y = acc.add(bias);
            if (relu && slope == 0f) {
                y = y.max(0f);
            } else if (relu) {
                y = y.blend(y.mul(slope), y.compare(VectorOperators.LE, 0f));
            }
            y.intoArray(out, outOff + ox);
        }
        TAIL.row(src, srcOff + ox, taps, w, wOff, bias, relu, slope, out, outOff + ox, n - ox);
    }
}
