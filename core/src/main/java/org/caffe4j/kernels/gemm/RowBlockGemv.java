package org.caffe4j.kernels.gemm;

import java.util.Arrays;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;

/**
 * y = act(A·x + bias) for one input row x (a fully connected layer at batch 1), on weights in
 * {@link PackedWeights#rowBlocks} layout, skipping every k at which x is zero. After a ReLU a third to a half of a
 * layer's inputs are zero, and with blocks of {@link PackedWeights#BLOCK_ROWS} rows the values of one k fill whole
 * cache lines, so a skipped k is memory not read: the layer streams its weights from memory, and reads fewer. With
 * several rows the k where all are zero are too few to pay, and {@link PackedGemv} runs them on panels.
 *
 * <p>Skipping is exact: with finite weights, fma(w, 0, s) is s (a zero's sign aside, which only a sum that underflowed
 * to -0 can show, and which every addition but one to -0 then removes). Weights with an infinity or NaN are summed
 * over every k, since w x 0 is NaN there. Every output is summed over the K slices {@link PackedSgemm} uses, k
 * ascending, then added to its start value and activated as the SGEMM tile does, so a row gets the SGEMM's result and
 * the same bits on any thread count.
 */
public final class RowBlockGemv {
    private static final int BR = PackedWeights.BLOCK_ROWS;
    /**
     * Blocks per task when the layer has enough: the vector kernel reads up to three blocks at once, each a memory
     * stream, and more streams read faster (AlexNet's fc6 in tasks of 1, 2 and 3 blocks: bench/HISTORY.md, session 36).
     */
    static final int BLOCKS_PER_TASK = 3;
    /** The calling thread's list of the k with a nonzero input, and where each K slice's k start in it. */
    private static final ThreadLocal<Listing> LISTING = ThreadLocal.withInitial(Listing::new);
    /** Per thread: a task's running sums, blocks x BLOCK_ROWS. */
    private static final ThreadLocal<float[]> SUMS = ThreadLocal.withInitial(() -> new float[0]);

    private RowBlockGemv() {
    }

    /**
     * Whether a layer of {@code rows} outputs suits row blocks: its rows padded to whole blocks are at most an eighth
     * more. A 10-class head would otherwise read 128 rows of weights for its 10 (a 25088 -> 2 classifier on VGG16's
     * features, 64x what it needs), and hold them.
     */
    public static boolean suits(int rows) {
        long padded = (long) (rows + BR - 1) / BR * BR;
        return padded * 8 <= (long) rows * 9;
    }

    /** {@code y[yOff + r]} for the input row {@code x[xOff + k]}. */
    public static void multiply(PackedWeights a, float[] x, int xOff, float[] y, int yOff, Activation act,
                                Parallel par, GemvMicroKernel kernel) {
        int rows = a.rows();
        int depth = a.depth();
        if (xOff < 0 || xOff + (long) depth > x.length) {
            throw new IllegalArgumentException("input array too short: need " + depth + " values from offset " + xOff
                    + ", have " + x.length);
        }
        if (yOff < 0 || yOff + (long) rows > y.length) {
            throw new IllegalArgumentException("output array too short: need " + rows + " values from offset " + yOff
                    + ", have " + y.length);
        }
        float[] w = a.rowBlocks();
        int slices = PackedSgemm.kSlices(depth);
        Listing listing = LISTING.get();
        int[] list = listing.list(x, xOff, depth, a.allFinite(), slices, PackedSgemm.kSliceLength(depth));
        int[] sliceStart = listing.sliceStart;
        int blocks = (rows + BR - 1) / BR;
        // As many blocks a task as the kernel reads at once, while there are enough tasks to balance the threads.
        int perTask = blocks >= 4 * BLOCKS_PER_TASK ? BLOCKS_PER_TASK : blocks >= 4 ? 2 : 1;
        int tasks = (blocks + perTask - 1) / perTask;
        int blockStride = BR * depth;
        boolean relu = act.relu();
        float slope = act.negativeSlope();
        float[] bias = a.paddedBias();
        par.forEach(tasks, task -> {
            int b0 = task * perTask;
            int nb = Math.min(perTask, blocks - b0);
            float[] sums = SUMS.get();
            if (sums.length < nb * BR) {
                sums = new float[nb * BR];
                SUMS.set(sums);
            }
            int row0 = b0 * BR;
            int valid = Math.min(nb * BR, rows - row0);
            for (int s = 0; s < slices; s++) {
                Arrays.fill(sums, 0, nb * BR, 0f);
                kernel.rowBlocks(w, b0 * blockStride, blockStride, nb, list, sliceStart[s], sliceStart[s + 1], x, xOff,
                        sums, 0);
                // The SGEMM tile's output pass: sum + (the earlier slices' result, or the bias), ReLU after the last.
                boolean last = s == slices - 1;
                int at = yOff + row0;
                for (int r = 0; r < valid; r++) {
                    float start = s > 0 ? y[at + r] : bias == null ? 0f : bias[row0 + r];
                    float v = sums[r] + start;
                    y[at + r] = relu && last ? GemvMicroKernel.relu(v, slope) : v;
                }
            }
        });
    }

    /** One calling thread's buffers: the listed k, and where each K slice's start in the list. */
    private static final class Listing {
        int[] ks = new int[0];
        int[] sliceStart = new int[0];

        /**
         * Lists the k at which x is not zero (every k when not skipping zeros), ascending, and fills
         * {@code sliceStart[s]} with the first list index of slice s (slices of {@code kc} k; the last entry is the
         * list's length). Returns the list.
         */
        int[] list(float[] x, int xOff, int depth, boolean skipZeros, int slices, int kc) {
            if (ks.length < depth) {
                ks = new int[depth];
            }
            if (sliceStart.length < slices + 1) {
                sliceStart = new int[slices + 1];
            }
            int listed = 0;
            for (int s = 0; s < slices; s++) {
                sliceStart[s] = listed;
                for (int k = s * kc, end = Math.min(depth, k + kc); k < end; k++) {
                    ks[listed] = k; // kept by counting it: a branch on ReLU zeros would be mispredicted half the time
                    listed += !skipZeros || x[xOff + k] != 0f ? 1 : 0;
                }
            }
            sliceStart[slices] = listed;
            return ks;
        }
    }
}
