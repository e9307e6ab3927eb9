package org.caffe4j.kernels.layout;

/**
 * Splits a run of float pairs into its even and odd elements: dst[even + i] = src[from + 2i] and
 * dst[odd + i] = src[from + 2i + 1] for i in [0, pairs). The stride-2 copy of {@link PhaseSplitPlane}; a plain copy,
 * so every implementation gives the same result.
 */
public interface EvenOddSplit {
    void split(float[] src, int from, int pairs, float[] dst, int even, int odd);

    /** One sequential pass, element by element. */
    EvenOddSplit SCALAR = (src, from, pairs, dst, even, odd) -> {
        for (int i = 0, s = from; i < pairs; i++, s += 2) {
            dst[even + i] = src[s];
            dst[odd + i] = src[s + 1];
        }
    };
}
