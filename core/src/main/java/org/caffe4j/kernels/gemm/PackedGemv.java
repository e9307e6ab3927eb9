package org.caffe4j.kernels.gemm;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;

/**
 * Y = act(X·Aᵀ + bias) for a few rows of X, with A the prepacked weights ({@link PackedWeights}, one group of
 * rows x depth) and X, Y row-major: {@code x[xOff + i*depth + k]}, {@code y[yOff + i*rows + r]}. This is a fully
 * connected layer at small batch, where every weight is used for only a few multiply-adds: the work is a
 * stream over the weights, and the SGEMM tile (which pads the few columns to a whole vector) would spend most of
 * its arithmetic on padding.
 *
 * <p>The weight panels are split into contiguous blocks, one task each, so each weight is read from memory once per
 * call (X rows past the first {@link GemvMicroKernel#ROWS_MAX} re-read the panels from cache). The split depends
 * only on the shape and no output's float operations depend on it or on the other rows: every output is summed
 * over the same K slices as {@link PackedSgemm} sums it, with the same operations per slice, so results are
 * bit-identical for any thread count and batch size, and to the SGEMM's.
 */
public final class PackedGemv {
    /**
     * Split into this many tasks where there are enough panels. A task streams its weights from memory, and while the
     * last one runs the other threads wait: AlexNet's fc6 (151 MB) in 16 tasks left 9 MB to the last one. 64 tasks
     * (2.4 MB each) ran AlexNet's fc layers faster than 16 and no slower than 128 (bench/HISTORY.md, session 32).
     */
    static final int TARGET_TASKS = 64;

    private static final int MR = SgemmMicroKernel.MR;
    private static final int ROWS_MAX = GemvMicroKernel.ROWS_MAX;
    /** The caller's buffer for the interleaved input rows, read by all tasks of its call. */
    private static final ThreadLocal<float[]> INTERLEAVED = ThreadLocal.withInitial(() -> new float[0]);

    private PackedGemv() {
    }

    public static void multiply(PackedWeights a, float[] x, int xOff, int xRows, float[] y, int yOff,
                                Activation act, Parallel par, GemvMicroKernel kernel) {
        if (a.groups() != 1) {
            throw new IllegalArgumentException("GEMV takes one group of weights, not " + a.groups());
        }
        int rows = a.rows();
        int depth = a.depth();
        if (xRows <= 0) {
            throw new IllegalArgumentException("xRows must be positive: " + xRows);
        }
        if (xOff < 0 || xOff + (long) xRows * depth > x.length) {
            throw new IllegalArgumentException("input array too short: need " + (long) xRows * depth
                    + " values from offset " + xOff + ", have " + x.length);
        }
        if (yOff < 0 || yOff + (long) xRows * rows > y.length) {
            throw new IllegalArgumentException("output array too short: need " + (long) xRows * rows
                    + " values from offset " + yOff + ", have " + y.length);
        }
        int panels = a.panelsPerGroup();
        int fullPanels = rows / MR;
        // Panels per kernel call: enough independent sums in flight (see GemvVectorKernel; a block of one row
        // needs four panels), few enough that a group of panels stays in cache while the next block re-reads it.
        int group = xRows % ROWS_MAX == 1 ? 4 : 2;
        // Whole groups per task, so that no call takes fewer panels than a group (small layers, 64 outputs, would
        // otherwise fall back to one panel per call).
        int perTask = ceilDiv(ceilDiv(panels, TARGET_TASKS), group) * group;
        int tasks = (panels + perTask - 1) / perTask;
        // The SGEMM's K slices, so that every output is summed in the SGEMM's order.
        int slices = PackedSgemm.kSlices(depth);
        int kc = PackedSgemm.kSliceLength(depth);
        boolean relu = act.relu();
        float slope = act.negativeSlope();
        float[] w = a.data();
        float[] bias = a.paddedBias();
        float[] xs = xRows == 1 ? x : interleave(x, xOff, xRows, depth);
        int xsOff = xRows == 1 ? xOff : 0;
        int panelStride = depth * MR;
        par.forEach(tasks, task -> {
            int p0 = task * perTask;
            int p1 = Math.min(panels, p0 + perTask);
            int pFull = Math.min(p1, fullPanels);
            for (int g0 = p0; g0 < pFull; g0 += group) {
                int count = Math.min(group, pFull - g0);
                for (int i = 0; i < xRows; i += ROWS_MAX) {
                    int n = Math.min(ROWS_MAX, xRows - i);
                    for (int s = 0; s < slices; s++) {
                        int k0 = s * kc;
                        kernel.panels(Math.min(kc, depth - k0), w, a.offset(0, g0, k0), panelStride, count, xs,
                                xsOff + i * depth + k0 * n, n, y, yOff + i * rows + g0 * MR, rows, s > 0, bias,
                                g0 * MR, relu && s == slices - 1, slope);
                    }
                }
            }
            if (pFull < p1) {
                // Last panel, partly padding: compute into a small tile and copy the real rows out.
                int row0 = pFull * MR;
                float[] edge = new float[ROWS_MAX * MR];
                for (int i = 0; i < xRows; i += ROWS_MAX) {
                    int n = Math.min(ROWS_MAX, xRows - i);
                    for (int s = 0; s < slices; s++) {
                        int k0 = s * kc;
                        kernel.panels(Math.min(kc, depth - k0), w, a.offset(0, pFull, k0), panelStride, 1, xs,
                                xsOff + i * depth + k0 * n, n, edge, 0, MR, s > 0, bias, row0,
                                relu && s == slices - 1, slope);
                    }
                    for (int j = 0; j < n; j++) {
                        System.arraycopy(edge, j * MR, y, yOff + (i + j) * rows + row0, rows - row0);
                    }
                }
            }
        });
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * The input rows interleaved in blocks of ROWS_MAX (block b, value k of row i at {@code b*ROWS_MAX*depth + k*n + i},
     * n the block's rows), the layout the micro-kernel broadcasts from; in the calling thread's buffer.
     */
    private static float[] interleave(float[] x, int xOff, int xRows, int depth) {
        int size = Math.multiplyExact(xRows, depth);
        float[] xs = INTERLEAVED.get();
        if (xs.length < size) {
            xs = new float[size];
            INTERLEAVED.set(xs);
        }
        for (int i0 = 0; i0 < xRows; i0 += ROWS_MAX) {
            int n = Math.min(ROWS_MAX, xRows - i0);
            for (int i = 0; i < n; i++) {
                int from = xOff + (i0 + i) * depth;
                for (int k = 0, to = i0 * depth + i; k < depth; k++, to += n) {
                    xs[to] = x[from + k];
                }
            }
        }
        return xs;
    }
}
