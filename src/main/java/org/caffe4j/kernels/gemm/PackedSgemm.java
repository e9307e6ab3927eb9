package org.caffe4j.kernels.gemm;

import java.util.function.IntConsumer;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.simd.Simd;

/**
 * C = act(A·B + bias) for each group, with A prepacked weights ({@link PackedWeights}) and B packed tile by tile
 * from a {@link PanelSource}. Group g's output row r, column j goes to {@code c[cOff + (g*rows + r)*n + j]}, which
 * for a convolution is exactly the NCHW output image (rows = output channels, columns = output pixels).
 *
 * <p>Blocking. K is cut into nearly equal slices of at most {@link #KC_MAX}; for each slice a task packs its
 * block of B (up to {@link #B_BLOCK_FLOATS}, sized to stay in a 1 MB L2) and then, for each A micro-panel (MR x kc),
 * runs the micro-kernel across all of its B tiles. When the output has few columns (deep layers on small images)
 * the work is split across A instead, and then B is packed once up front, in parallel, into a buffer of the calling
 * thread that all tasks read, rather than once per A block. Column remainders use a
 * half-width tile when they fit one; a tile that sticks out past the last row or column is computed into a small
 * scratch tile and copied back, so it does the same float operations per output as a full tile.
 *
 * <p>Parallelism and determinism. Tasks are (group, block of A panels, block of B tiles) and their count depends
 * only on the shape: the B blocks are split first (no extra packing), then A blocks, until there are at least
 * {@link #TARGET_TASKS}. Every output is summed over k in the same order whatever the split, so results are
 * bit-identical for any thread count.
 *
 * <p>Scratch memory. Each thread keeps one growable float[] in a ThreadLocal for its B block and edge tile, and
 * the calling thread one more for a shared B: no allocation per tile or per call once warm (besides the small
 * call descriptor), safe for any number of threads running models concurrently, since a shared buffer belongs to
 * the thread whose call is using it.
 */
public final class PackedSgemm {
    /**
     * Longest K slice. Measured on NIN (JDK 25): not slicing at all (K up to 3456) beat 256- and 768-long slices
     * by 10-40% on conv2/conv3/conv4, since every extra slice re-reads and re-writes the C tile; the A micro-panel
     * then streams from L2, which the prefetcher keeps up with. Slicing remains for very deep K.
     */
    static final int KC_MAX = 4096;
    /** Most floats one task packs per K slice (512 KB), so the block stays in L2 while A panels sweep it. */
    static final int B_BLOCK_FLOATS = 128 * 1024;
    /** Split work until there are this many tasks, enough to balance 2–4 threads on a busy machine. */
    static final int TARGET_TASKS = 8;
    /** Do not split A blocks below this many panels: each A block repacks its B block. */
    static final int MIN_PANELS_PER_TASK = 4;

    private static final int MR = SgemmMicroKernel.MR;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);
    /** The caller's buffer for a B operand packed once and shared by all tasks (see {@link Call#sharedB}). */
    private static final ThreadLocal<float[]> SHARED_B = ThreadLocal.withInitial(() -> new float[0]);

    private PackedSgemm() {
    }

    /** Multiplies with the kernel {@link Simd} selects. */
    public static void multiply(PackedWeights a, PanelSource b, int n, float[] c, int cOff, Activation act,
                                Parallel par) {
        multiply(a, b, n, c, cOff, act, par, Simd.sgemmKernel());
    }

    /**
     * @param n   columns of B and C (output pixels)
     * @param act fused activation applied after the bias
     */
    public static void multiply(PackedWeights a, PanelSource b, int n, float[] c, int cOff, Activation act,
                                Parallel par, SgemmMicroKernel kernel) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be positive: " + n);
        }
        long needed = (long) a.groups() * a.rows() * n;
        if (cOff < 0 || cOff + needed > c.length) {
            throw new IllegalArgumentException("output array too short: need " + needed + " values from offset "
                    + cOff + ", have " + c.length);
        }
        Call call = new Call(a, b, n, c, cOff, act, kernel);
        if (call.mBlocks > 1) {
            // Several A blocks would each pack the same B block: pack all of B once (in parallel), then share it.
            int size = call.colTiles * call.nr * a.depth() * a.groups();
            float[] shared = SHARED_B.get();
            if (shared.length < size) {
                shared = new float[size];
                SHARED_B.set(shared);
            }
            call.sharedB = shared;
            par.forEach(a.groups() * call.colTiles, call::packSharedTile);
        }
        par.forEach(call.tasks, call);
    }

    /** One multiplication's plan and operands; a task index maps to (group, A block, B block). */
    private static final class Call implements IntConsumer {
        final PackedWeights a;
        final PanelSource b;
        final int n;
        final float[] c;
        final int cOff;
        final boolean relu;
        final float slope;
        final SgemmMicroKernel kernel;
        final int nr;
        final int colTiles;          // tiles across n; the last may be half width
        final boolean lastTileHalf;
        final int kc;                // K slice length (all slices but the last)
        final int kSlices;
        final int tilesPerTask;
        final int panelsPerTask;
        final int nBlocks;
        final int mBlocks;
        final int tasks;
        final int scratchFloats;
        /** B packed once for every task (slice s, tile t at sharedOffset), or null when each task packs its own. */
        float[] sharedB;

        Call(PackedWeights a, PanelSource b, int n, float[] c, int cOff, Activation act, SgemmMicroKernel kernel) {
            this.a = a;
            this.b = b;
            this.n = n;
            this.c = c;
            this.cOff = cOff;
            this.relu = act.relu();
            this.slope = act.negativeSlope();
            this.kernel = kernel;
            this.nr = kernel.nr();
            int rem = n % nr;
            this.lastTileHalf = rem != 0 && rem <= nr / 2;
            this.colTiles = (n + nr - 1) / nr;
            int depth = a.depth();
            this.kSlices = (depth + KC_MAX - 1) / KC_MAX;
            this.kc = (depth + kSlices - 1) / kSlices;
            int panels = a.panelsPerGroup();
            int tpt = Math.max(1, Math.min(colTiles, B_BLOCK_FLOATS / (kc * nr)));
            int ppt = panels;
            while (a.groups() * ceilDiv(colTiles, tpt) * ceilDiv(panels, ppt) < TARGET_TASKS) {
                if (tpt > 1) {
                    tpt = ceilDiv(tpt, 2);
                } else if (ppt >= 2 * MIN_PANELS_PER_TASK) {
                    ppt = ceilDiv(ppt, 2);
                } else {
                    break;
                }
            }
            this.tilesPerTask = tpt;
            this.panelsPerTask = ppt;
            this.nBlocks = ceilDiv(colTiles, tpt);
            this.mBlocks = ceilDiv(panels, ppt);
            this.tasks = a.groups() * mBlocks * nBlocks;
            this.scratchFloats = kc * tpt * nr + MR * nr;
        }

        /** Offset of group g, K slice starting at k0 (length kcur), column tile t in the shared B buffer. */
        private int sharedOffset(int g, int k0, int kcur, int t) {
            return (g * a.depth() + k0) * colTiles * nr + t * nr * kcur;
        }

        void packSharedTile(int groupTile) {
            int g = groupTile / colTiles;
            int t = groupTile % colTiles;
            int j0 = t * nr;
            for (int s = 0; s < kSlices; s++) {
                int k0 = s * kc;
                int kcur = Math.min(kc, a.depth() - k0);
                b.pack(g, k0, kcur, j0, Math.min(tileWidth(t), n - j0), tileWidth(t), sharedB,
                        sharedOffset(g, k0, kcur, t));
            }
        }

        @Override
        public void accept(int task) {
            int g = task / (mBlocks * nBlocks);
            int rest = task % (mBlocks * nBlocks);
            int p0 = (rest / nBlocks) * panelsPerTask;
            int p1 = Math.min(a.panelsPerGroup(), p0 + panelsPerTask);
            int t0 = (rest % nBlocks) * tilesPerTask;
            int t1 = Math.min(colTiles, t0 + tilesPerTask);

            float[] buf = SCRATCH.get();
            if (buf.length < scratchFloats) {
                buf = new float[scratchFloats];
                SCRATCH.set(buf);
            }
            int edge = kc * tilesPerTask * nr;
            float[] w = a.data();
            float[] bias = a.paddedBias();
            int rows = a.rows();
            int depth = a.depth();
            for (int s = 0; s < kSlices; s++) {
                int k0 = s * kc;
                int kcur = Math.min(kc, depth - k0);
                float[] bp = buf;
                int bBase = 0;
                if (sharedB == null) {
                    for (int t = t0; t < t1; t++) {
                        int j0 = t * nr;
                        b.pack(g, k0, kcur, j0, Math.min(tileWidth(t), n - j0), tileWidth(t), buf,
                                (t - t0) * nr * kcur);
                    }
                } else {
                    bp = sharedB;
                    bBase = sharedOffset(g, k0, kcur, t0);
                }
                boolean accumulate = s > 0;
                boolean last = s == kSlices - 1;
                for (int p = p0; p < p1; p++) {
                    int aOff = a.offset(g, p, k0);
                    int row0 = p * MR;
                    int rowsValid = Math.min(MR, rows - row0);
                    int biasOff = (g * a.panelsPerGroup() + p) * MR;
                    int cRow = cOff + (g * rows + row0) * n;
                    for (int t = t0; t < t1; t++) {
                        int width = tileWidth(t);
                        int j0 = t * nr;
                        int colsValid = Math.min(width, n - j0);
                        int bOff = bBase + (t - t0) * nr * kcur;
                        if (rowsValid == MR && colsValid == width) {
                            run(width, kcur, w, aOff, bp, bOff, c, cRow + j0, n, accumulate, bias, biasOff,
                                    last && relu);
                        } else {
                            // Edge tile: same kernel on a scratch tile, so each output sees the same float ops.
                            if (accumulate) {
                                copy(c, cRow + j0, n, buf, edge, width, rowsValid, colsValid);
                            }
                            run(width, kcur, w, aOff, bp, bOff, buf, edge, width, accumulate, bias, biasOff,
                                    last && relu);
                            copy(buf, edge, width, c, cRow + j0, n, rowsValid, colsValid);
                        }
                    }
                }
            }
        }

        private int tileWidth(int t) {
            return t == colTiles - 1 && lastTileHalf ? nr / 2 : nr;
        }

        private void run(int width, int kcur, float[] w, int aOff, float[] bp, int bOff, float[] out, int outOff,
                         int ldc, boolean accumulate, float[] bias, int biasOff, boolean applyRelu) {
            if (width == nr) {
                kernel.tile(kcur, w, aOff, bp, bOff, out, outOff, ldc, accumulate, bias, biasOff, applyRelu, slope);
            } else {
                kernel.halfTile(kcur, w, aOff, bp, bOff, out, outOff, ldc, accumulate, bias, biasOff, applyRelu,
                        slope);
            }
        }

        private static void copy(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                                 int rowCount, int colCount) {
            for (int r = 0; r < rowCount; r++) {
                System.arraycopy(src, srcOff + r * srcStride, dst, dstOff + r * dstStride, colCount);
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
