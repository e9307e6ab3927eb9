package org.caffe4j.kernels.gemm;

/**
 * The inner loop of {@link PackedGemv}: one A panel ({@link SgemmMicroKernel#MR} rows of prepacked weights,
 * {@code a[aOff + k*MR + r]}) times up to {@link #ROWS_MAX} activation rows, interleaved so that row i's value k is at
 * {@code x[xOff + k*rows + i]} (one row is just the row), giving {@code out[outOff + i*ldo + r]} for r &lt; MR and
 * i &lt; rows. Interleaving lets the kernel broadcast all rows' values of one k from adjacent addresses, as the
 * SGEMM kernel does with its packed A.
 *
 * <p>Each output is computed as: even = odd = 0; for k ascending, even k go into even and odd k into odd, each
 * step a fused multiply-add; result = (even + odd) + (bias[biasOff + r] or 0); then ReLU if asked. Two running
 * sums instead of one halve the FMA latency chain, which is what keeps a one-row GEMV from being latency bound.
 * Implementations must follow exactly that float-op sequence, so that the vector kernel and its scalar twin agree
 * bit for bit, and a row's result does not depend on how many other rows share the call.
 */
public interface GemvMicroKernel {
    /** Most activation rows per call (the vector kernel keeps 2 accumulators per row in registers). */
    int ROWS_MAX = 4;

    /**
     * @param kc   depth (K) of the panel
     * @param rows activation rows, 1 to {@link #ROWS_MAX}
     * @param bias MR start values from {@code biasOff}, or null for zero
     * @param relu apply y = x &gt; 0 ? x : x * slope (max(x, 0) for slope 0) after the bias
     */
    void panel(int kc, float[] a, int aOff, float[] x, int xOff, int rows, float[] out, int outOff, int ldo,
               float[] bias, int biasOff, boolean relu, float slope);

    /** The output pass both twins share: (sum) + start, then the activation; sum is already in {@code out}. */
    static void finish(float[] out, int at, float start, boolean relu, float slope) {
        float v = out[at] + start;
        if (relu) {
            v = slope == 0f ? Math.max(v, 0f) : v > 0f ? v : v * slope;
        }
        out[at] = v;
    }
}
