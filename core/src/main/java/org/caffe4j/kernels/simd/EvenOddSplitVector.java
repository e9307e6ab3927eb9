package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.CpuProfile;
import org.caffe4j.kernels.layout.EvenOddSplit;

/**
 * {@link EvenOddSplit} with permutes: two loads give LANES pairs, and the even and the odd lanes are picked out of
 * them by one two-vector rearrange each where {@link CpuProfile#permuteStrideTwo()} says that compiles well (JDK 25
 * on), else by two one-vector rearranges and a blend each (JDK 17, where the two-vector form took 2-7x the scalar
 * split's time and this one 0.5-0.9x; on JDK 25 both forms run alike). The tail goes element by element. Loaded only
 * through {@link Simd}.
 */
final class EvenOddSplitVector implements EvenOddSplit {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    /** Lane i takes element 2i (odd: 2i + 1) of the two vectors side by side; past the first, from the second. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);
    /** Lane i < LANES/2 takes element 2i (odd: 2i + 1) of one vector; the upper lanes are blended over. */
    private static final VectorShuffle<Float> EVEN_LOW = VectorShuffle.fromOp(S, i -> i < LANES / 2 ? 2 * i : 0);
    private static final VectorShuffle<Float> ODD_LOW = VectorShuffle.fromOp(S, i -> i < LANES / 2 ? 2 * i + 1 : 0);
    /** Lane i >= LANES/2 takes element 2i - LANES (odd: 2i + 1 - LANES) of one vector. */
    private static final VectorShuffle<Float> EVEN_HIGH =
            VectorShuffle.fromOp(S, i -> i < LANES / 2 ? 0 : 2 * i - LANES);
    private static final VectorShuffle<Float> ODD_HIGH =
            VectorShuffle.fromOp(S, i -> i < LANES / 2 ? 0 : 2 * i + 1 - LANES);
    private static final VectorMask<Float> UPPER_HALF =
            VectorMask.fromLong(S, (-1L << (LANES / 2)) & ((1L << LANES) - 1));

    /**
     * The split in the form this JVM compiles well ({@link CpuProfile#permuteStrideTwo()}), which
     * the vector kernels that split stride-2 rows (im2col's and the depthwise kernel's) share.
     */
    static final EvenOddSplit FOR_THIS_JVM =
            new EvenOddSplitVector(CpuProfile.thisJvm(S.vectorBitSize()).permuteStrideTwo());

    private final boolean twoVectorPermute;

    /** @param twoVectorPermute whether to pick lanes with one two-vector rearrange (see the class comment) */
    EvenOddSplitVector(boolean twoVectorPermute) {
        this.twoVectorPermute = twoVectorPermute;
    }

    /** Lanes 0, 2, 4, ... of a and then of b (of the 2 * LANES values a, b side by side), in either form. */
    static FloatVector evenLanes(FloatVector a, FloatVector b, boolean twoVectorPermute) {
        return twoVectorPermute ? a.rearrange(EVEN, b) : a.rearrange(EVEN_LOW).blend(b.rearrange(EVEN_HIGH), UPPER_HALF);
    }

    /** Lanes 1, 3, 5, ... of a and then of b, in either form. */
    static FloatVector oddLanes(FloatVector a, FloatVector b, boolean twoVectorPermute) {
        return twoVectorPermute ? a.rearrange(ODD, b) : a.rearrange(ODD_LOW).blend(b.rearrange(ODD_HIGH), UPPER_HALF);
    }

    @Override
    public void split(float[] src, int from, int pairs, float[] dst, int even, int odd) {
        int i = 0;
        for (int s = from; i <= pairs - LANES; i += LANES, s += 2 * LANES) {
            FloatVector a = FloatVector.fromArray(S, src, s);
            FloatVector b = FloatVector.fromArray(S, src, s + LANES);
            evenLanes(a, b, twoVectorPermute).intoArray(dst, even + i);
            oddLanes(a, b, twoVectorPermute).intoArray(dst, odd + i);
        }
        for (int s = from + 2 * i; i < pairs; i++, s += 2) {
            dst[even + i] = src[s];
            dst[odd + i] = src[s + 1];
        }
    }
}
