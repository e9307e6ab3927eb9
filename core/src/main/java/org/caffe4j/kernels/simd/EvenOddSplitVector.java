package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.layout.EvenOddSplit;

/**
 * {@link EvenOddSplit} with two-vector permutes: two loads give LANES pairs, one rearrange picks the even lanes and
 * one the odd ones. Used where {@link org.caffe4j.kernels.CpuProfile#permuteStrideTwo()} says the permute compiles
 * well (JDK 25 on); the tail goes element by element. Loaded only through {@link Simd}.
 */
final class EvenOddSplitVector implements EvenOddSplit {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    /** Lane i takes element 2i (odd: 2i + 1) of the two vectors side by side; past the first, from the second. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);

    @Override
    public void split(float[] src, int from, int pairs, float[] dst, int even, int odd) {
        int i = 0;
        for (int s = from; i <= pairs - LANES; i += LANES, s += 2 * LANES) {
            FloatVector a = FloatVector.fromArray(S, src, s);
            FloatVector b = FloatVector.fromArray(S, src, s + LANES);
            a.rearrange(EVEN, b).intoArray(dst, even + i);
            a.rearrange(ODD, b).intoArray(dst, odd + i);
        }
        for (int s = from + 2 * i; i < pairs; i++, s += 2) {
            dst[even + i] = src[s];
            dst[odd + i] = src[s + 1];
        }
    }
}
