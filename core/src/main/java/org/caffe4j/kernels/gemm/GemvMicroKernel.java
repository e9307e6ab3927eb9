package org.caffe4j.kernels.gemm;

/**
 * The inner loop of {@link PackedGemv}: {@code panels} consecutive A panels ({@link SgemmMicroKernel#MR} rows of
 * prepacked weights each, panel q's value k of row r at {@code a[aOff + q*panelStride + k*MR + r]}) times up to
 * {@link #ROWS_MAX} activation rows, interleaved so that row i's value k is at {@code x[xOff + k*rows + i]} (one row
 * is just the row), giving {@code out[outOff + i*ldo + q*MR + r]}. Interleaving lets the kernel broadcast all rows'
 * values of one k from adjacent addresses, as the SGEMM kernel does with its packed A.
 *
 * <p>Each output over one K slice is computed exactly as {@link SgemmMicroKernel#tile} computes it: acc = 0; for k
 * ascending acc = fma(a, x, acc); result = acc + (accumulate ? out : bias[biasOff + q*MR + r] or 0); then ReLU if
 * asked. So a row gives the same bits whether a batch runs it here or in the SGEMM (which the InnerProduct kernel
 * uses for larger batches), whatever the other rows. One running sum per output makes a row's chain of FMAs
 * latency bound; kernels overlap several outputs' chains (several panels for one or two rows) instead of
 * splitting a sum.
 */
public interface GemvMicroKernel {
    /** Most activation rows per call. */
    int ROWS_MAX = 4;

    /**
     * @param kc          depth (K) of the slice
     * @param panelStride distance between the starts of consecutive panels in {@code a}
     * @param panels      A panels, one or more
     * @param rows        activation rows, 1 to {@link #ROWS_MAX}
     * @param accumulate  add to what {@code out} already holds (a later K slice) instead of starting from the bias
     * @param bias        start values from {@code biasOff} (MR per panel), or null for zero; unused when accumulating
     * @param relu        apply y = x &gt; 0 ? x : x * slope (max(x, 0) for slope 0) after the sum (last K slice only)
     */
    void panels(int kc, float[] a, int aOff, int panelStride, int panels, float[] x, int xOff, int rows, float[] out,
                int outOff, int ldo, boolean accumulate, float[] bias, int biasOff, boolean relu, float slope);

    /**
     * The inner loop of {@link RowBlockGemv}: running sums over the listed k of {@code blocks} consecutive row blocks
     * ({@link PackedWeights#rowBlocks}: block b's value k of row r at {@code w[wOff + b*blockStride + k*BLOCK_ROWS + r]})
     * times one activation row ({@code x[xOff + k]}). For each block row r, with s the value at
     * {@code acc[accOff + b*BLOCK_ROWS + r]} (the caller zeroes it to start a sum): for j from {@code from} to
     * {@code to - 1}, s = fma(w at k = ks[j], x[xOff + ks[j]], s); then s is stored back. Both twins run exactly that
     * sequence, so they give the same bits, and the same as {@link #panels} and the SGEMM summing over all k when the
     * skipped k have zero inputs and finite weights.
     */
    void rowBlocks(float[] w, int wOff, int blockStride, int blocks, int[] ks, int from, int to, float[] x, int xOff,
                   float[] acc, int accOff);

    /**
     * Whether a single activation row runs faster on row blocks, skipping its zero inputs ({@link RowBlockGemv}),
     * than on panels ({@link #panels}): the InnerProduct kernel packs its weights for the path this picks.
     */
    default boolean prefersRowBlocks() {
        return true;
    }

    /** The activation both twins apply to a finished sum, as the SGEMM kernels do. */
    static float relu(float v, float slope) {
        return slope == 0f ? Math.max(v, 0f) : v > 0f ? v : v * slope;
    }
}
