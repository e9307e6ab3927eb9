package org.caffe4j.kernels.gemm;

import java.util.function.IntConsumer;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;

/**
 * C = act(A·B + bias) for each group, with A prepacked weights ({@link PackedWeights}) and B packed tile by tile
 * from a {@link PanelSource}. Group g's output row r, column j goes to {@code c[cOff + (g*rows + r)*n + j]}, which
 * for a convolution is exactly the NCHW output image (rows = output channels, columns = output pixels).
 *
 * <p>Blocking. K is cut into nearly equal slices of at most {@link #KC_MAX}; for each slice a task packs its
 * block of B (up to {@link #B_BLOCK_FLOATS}, sized to stay in a 1 MB L2) and then, for each A micro-panel (MR x kc),
 * runs the micro-kernel across all of its B tiles. When the output has few columns (deep layers on small images)
 * the work is split across A instead, and then B is packed once up front, in parallel, into a buffer of the calling
 * thread that all tasks read, rather than once per A block; each task then sweeps one B tile at a time with all of
 * its A panels (at most {@link #A_BLOCK_FLOATS}), so both stay in L2. When so few columns remain that they pad
 * better to MR than to tile widths and span at most {@link #FEW_COLUMNS_MAX_PANELS} panels (6x6 maps at batch 1),
 * C is computed transposed instead
 * ({@link #usesFewColumnsPath}), with the same float operations per output. Column remainders use a
 * half-width tile when they fit one and the kernel's half tile pays ({@link SgemmMicroKernel#endsInHalfTile}),
 * and a remainder of at most 4 columns two panels at a time where the kernel's narrow sums pay (Call#narrowLast);
 * a tile that sticks out past the last row or column is computed into a small
 * scratch tile and copied back, so it does the same float operations per output as a full tile.
 *
 * <p>Parallelism and determinism. Tasks are (group, block of A panels, block of B tiles) and their count depends
 * only on the shape, aiming at {@link #TARGET_TASKS}: when the weights have more rows than B has columns only A is
 * split (each weight then streams from memory once), otherwise B blocks are split first (no extra packing), then
 * A blocks. Every output is summed over k in the same order whatever the split, and edge tiles run the same
 * kernel, so results are bit-identical for any thread count and for one image or several.
 *
 * <p>Scratch memory. Each thread keeps one growable float[] in a ThreadLocal for its B block and edge tile, and
 * the calling thread one more for a shared B: no allocation per tile or per call once warm (besides the small
 * call descriptor), safe for any number of threads running models concurrently, since a shared buffer belongs to
 * the thread whose call is using it.
 */
public final class PackedSgemm {
    /**
     * Longest K slice. On NIN (K up to 3456) slices of 256, 512 or 1024 gave no measurable gain over none (within
     * the noise of a shared machine) while each extra slice re-reads and re-writes the C tile; the A micro-panel
     * streams from L2 fast enough. Slicing remains for very deep K.
     */
    static final int KC_MAX = 4096;
    /** Most floats one task packs per K slice (512 KB), so the block stays in L2 while A panels sweep it. */
    static final int B_BLOCK_FLOATS = 128 * 1024;
    /**
     * Most floats of A one task holds (512 KB) when B is shared, so that its A panels stay in L2 while each B
     * tile is swept by all of them (see {@link Call#accept}).
     */
    static final int A_BLOCK_FLOATS = 128 * 1024;
    /** Split work until there are this many tasks, enough to balance 2–4 threads on a busy machine. */
    static final int TARGET_TASKS = 8;
    /**
     * Most column panels the transposed path takes. Each panel re-reads every weight tile and is packed and stored
     * column-wise, so the path's cost grows with the panels faster than the padding it saves: AVX-512, 2 threads
     * (session 17), NIN's 36 columns (5 panels) ran faster transposed on JDK 25 (conv4-1024 1.2 against 1.45-1.5
     * ms), at parity on JDK 17, while 49 columns (7 panels) took 1.05-1.27x the tiles' time and ResNet-50's 196
     * (25 panels, 200 against 208) 1.27-1.43x.
     */
    static final int FEW_COLUMNS_MAX_PANELS = 5;
    /** Fewest K rows a packing task of the transposed path takes (a task's start costs about as much). */
    static final int MIN_PACK_ROWS = 128;
    /** Do not split A blocks below this many panels: each A block repacks its B block. */
    static final int MIN_PANELS_PER_TASK = 4;

    private static final int MR = SgemmMicroKernel.MR;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);
    /** The caller's buffer for a B operand packed once and shared by all tasks (see {@link Call#sharedB}). */
    private static final ThreadLocal<float[]> SHARED_B = ThreadLocal.withInitial(() -> new float[0]);

    private PackedSgemm() {
    }

    /** K slices for a depth: as few as fit {@link #KC_MAX}, of nearly equal length (PackedGemv sums over the same). */
    static int kSlices(int depth) {
        return (depth + KC_MAX - 1) / KC_MAX;
    }

    /** Length of every K slice but the last (which may be shorter). */
    static int kSliceLength(int depth) {
        int slices = kSlices(depth);
        return (depth + slices - 1) / slices;
    }

    /**
     * @param n   columns of B and C (output pixels)
     * @param act fused activation applied after the bias
     */
    public static void multiply(PackedWeights a, PanelSource b, int n, float[] c, int cOff, Activation act,
                                Parallel par, SgemmMicroKernel kernel) {
        multiplyImages(a, b, 1, n, c, cOff, 0, act, par, kernel);
    }

    /**
     * Several images in one multiplication, so that each weight is loaded once for all of them (deep layers on
     * small images are otherwise limited by streaming the weights from memory). B's columns are the images'
     * pixels one image after another ({@code images * pixels} columns, the {@link PanelSource} maps them), and
     * image i's C goes to {@code c[cOff + i*cImageStride ..]} laid out as for a single image.
     */
    public static void multiplyImages(PackedWeights a, PanelSource b, int images, int pixels, float[] c, int cOff,
                                      int cImageStride, Activation act, Parallel par, SgemmMicroKernel kernel) {
        if (images <= 0 || pixels <= 0) {
            throw new IllegalArgumentException("images and pixels must be positive: " + images + ", " + pixels);
        }
        long perImage = (long) a.groups() * a.rows() * pixels;
        if (images > 1 && cImageStride < perImage) {
            throw new IllegalArgumentException("image stride " + cImageStride + " is smaller than an image's "
                    + perImage + " outputs");
        }
        long needed = (long) (images - 1) * cImageStride + perImage;
        if (cOff < 0 || cOff + needed > c.length) {
            throw new IllegalArgumentException("output array too short: need " + needed + " values from offset "
                    + cOff + ", have " + c.length);
        }
        if ((long) images * pixels > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("too many columns: " + images + " x " + pixels);
        }
        if (usesFewColumnsPath(a, images * pixels, kernel.nr(), kernel.halfTilePays(), kernel.narrowSumsPay())) {
            multiplyFewColumns(a, b, images, pixels, c, cOff, cImageStride, act, par, kernel);
            return;
        }
        Call call = new Call(a, b, images * pixels, pixels, c, cOff, cImageStride, act, kernel);
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

    /**
     * Whether C is computed transposed (see {@link FewColumnsCall}): for weight-heavy products (more rows than
     * columns, K in one slice) whose column count pads to fewer columns in MR-wide panels than in nr-wide tiles,
     * e.g. NIN's 6x6 maps at batch 1: 36 columns are 5 panels of 8 (40) instead of a tile of 32 plus a half tile
     * of 16 (48, and a half tile runs at about the cost of a full one); but only up to
     * {@link #FEW_COLUMNS_MAX_PANELS} panels. A last tile of at most {@link SgemmMicroKernel#NARROW_COLUMNS}
     * columns costs only those columns where the kernel's narrow sums pay (36 on AVX2: two tiles of 16 and 4
     * columns).
     */
    static boolean usesFewColumnsPath(PackedWeights a, int n, int nr, boolean halfTiles, boolean narrowPays) {
        if (a.depth() > KC_MAX || a.rows() <= n) {
            return false;
        }
        int whole = (ceilDiv(n, nr) - 1) * nr;
        int tilePadded = narrowPays && n - whole <= SgemmMicroKernel.NARROW_COLUMNS ? whole + (n - whole)
                : ceilDiv(n, nr) * nr - (SgemmMicroKernel.endsInHalfTile(n, nr, halfTiles) ? nr / 2 : 0);
        return ceilDiv(n, MR) <= FEW_COLUMNS_MAX_PANELS && ceilDiv(n, MR) * MR < tilePadded;
    }

    /**
     * C^T = B^T A^T: the B columns (pixels) are packed into panels of {@link SgemmMicroKernel#transposedRows} columns
     * (MR, or 12 with AVX-512 once that tile is compiled) that take A's place in the micro-kernel,
     * and the weights, as column tiles of nr output channels ({@link PackedWeights#channelTiles}), take B's. Each
     * output is still acc = 0, fma over k ascending, then acc + bias (the tile starts from a copy of the bias and is
     * run in accumulate mode) and the activation: exactly the float operations of the normal path, so results are
     * bit-identical whichever path a shape takes (a batch and its single images may take different ones).
     */
    private static void multiplyFewColumns(PackedWeights a, PanelSource b, int images, int pixels, float[] c,
                                           int cOff, int cImageStride, Activation act, Parallel par,
                                           SgemmMicroKernel kernel) {
        int n = images * pixels;
        int depth = a.depth();
        int panelRows = kernel.transposedRows();
        int panels = ceilDiv(n, panelRows);
        int size = a.groups() * panels * panelRows * depth;
        float[] columnPanels = SHARED_B.get();
        if (columnPanels.length < size) {
            columnPanels = new float[size];
            SHARED_B.set(columnPanels);
        }
        FewColumnsCall call = new FewColumnsCall(a, a.channelTiles(kernel.nr()), b, columnPanels, panelRows, panels,
                n, pixels, c, cOff, cImageStride, act, kernel);
        par.forEach(a.groups() * panels * call.packParts, call::packPanelPart);
        par.forEach(call.tasks, call);
    }

    /** One transposed multiplication; a task index maps to (group, block of channel tiles). */
    private static final class FewColumnsCall implements IntConsumer {
        final PackedWeights a;
        final PackedWeights.ChannelTiles weights;
        final PanelSource b;
        final float[] columnPanels;
        /** Columns per panel ({@link SgemmMicroKernel#transposedRows}). */
        final int panelRows;
        final int panels;
        final int n;
        final int pixels;
        final float[] c;
        final int cOff;
        final int cImageStride;
        final boolean relu;
        final float slope;
        final SgemmMicroKernel kernel;
        final int nr;
        final int tilesPerTask;
        final int blocks;
        final int tasks;
        /** K rows per packing task, and packing tasks per panel. */
        final int packRowsPerPart;
        final int packParts;

        FewColumnsCall(PackedWeights a, PackedWeights.ChannelTiles weights, PanelSource b, float[] columnPanels,
                       int panelRows, int panels, int n, int pixels, float[] c, int cOff, int cImageStride,
                       Activation act, SgemmMicroKernel kernel) {
            this.a = a;
            this.weights = weights;
            this.b = b;
            this.columnPanels = columnPanels;
            this.panelRows = panelRows;
            this.panels = panels;
            this.n = n;
            this.pixels = pixels;
            this.c = c;
            this.cOff = cOff;
            this.cImageStride = cImageStride;
            this.relu = act.relu();
            this.slope = act.negativeSlope();
            this.kernel = kernel;
            this.nr = kernel.nr();
            int tiles = weights.tilesPerGroup();
            int wanted = Math.min(tiles, Math.max(1, ceilDiv(TARGET_TASKS, a.groups())));
            this.tilesPerTask = ceilDiv(tiles, wanted);
            this.blocks = ceilDiv(tiles, tilesPerTask);
            this.tasks = a.groups() * blocks;
            // A batch-1 map has 3 panels (NIN's 36 columns): split each panel's rows too, so that every thread
            // packs a share (whole panels, one each, left one thread packing two while the other waited).
            int wantedParts = ceilDiv(TARGET_TASKS, a.groups() * panels);
            this.packRowsPerPart = ceilDiv(a.depth(), Math.max(1, Math.min(wantedParts, a.depth() / MIN_PACK_ROWS)));
            this.packParts = ceilDiv(a.depth(), packRowsPerPart);
        }

        /**
         * Packs one run of K rows ({@link #packParts} per panel) of the panelRows columns from p*panelRows of group
         * g's B as a panel (the layout A panels have).
         */
        void packPanelPart(int task) {
            int groupPanel = task / packParts;
            int part = task % packParts;
            int g = groupPanel / panels;
            int p = groupPanel % panels;
            int j0 = p * panelRows;
            int depth = a.depth();
            int k0 = part * packRowsPerPart;
            int rows = Math.min(packRowsPerPart, depth - k0); // never 0: packParts counts whole parts
            b.pack(g, k0, rows, j0, Math.min(panelRows, n - j0), panelRows, columnPanels,
                    (groupPanel * depth + k0) * panelRows);
        }

        @Override
        public void accept(int task) {
            int g = task / blocks;
            int tiles = weights.tilesPerGroup();
            int t0 = (task % blocks) * tilesPerTask;
            int t1 = Math.min(tiles, t0 + tilesPerTask);
            float[] tile = SCRATCH.get();
            if (tile.length < panelRows * nr) {
                tile = new float[panelRows * nr];
                SCRATCH.set(tile);
            }
            int depth = a.depth();
            int rows = a.rows();
            float[] bias = weights.bias();
            for (int t = t0; t < t1; t++) {
                int tileAt = g * tiles + t;
                int channel0 = t * nr;
                int channels = Math.min(nr, rows - channel0);
                for (int p = 0; p < panels; p++) {
                    for (int r = 0; r < panelRows; r++) {
                        System.arraycopy(bias, tileAt * nr, tile, r * nr, nr);
                    }
                    kernel.transposedTile(panelRows, depth, columnPanels, (g * panels + p) * panelRows * depth,
                            weights.data(), tileAt * depth * nr, tile, 0, nr, relu, slope);
                    // Tile row r is column j0 + r of C: write it down C's column (one output channel per lane).
                    int j0 = p * panelRows;
                    int columns = Math.min(panelRows, n - j0);
                    for (int r = 0; r < columns; r++) {
                        int image = (j0 + r) / pixels;
                        int at = cOff + image * cImageStride + (g * rows + channel0) * pixels
                                + (j0 + r - image * pixels);
                        for (int ch = 0; ch < channels; ch++) {
                            c[at + ch * pixels] = tile[r * nr + ch];
                        }
                    }
                }
            }
        }
    }

    /** One multiplication's plan and operands; a task index maps to (group, A block, B block). */
    private static final class Call implements IntConsumer {
        final PackedWeights a;
        final PanelSource b;
        final int n;
        final int pixels;            // columns per image
        final float[] c;
        final int cOff;
        final int cImageStride;
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
        /**
         * Whether the last column tile, with at most {@link SgemmMicroKernel#NARROW_COLUMNS} valid columns (36
         * columns of a 6x6 map at batch 1: two tiles and 4 columns), runs as {@link SgemmMicroKernel#narrowSums}
         * over pairs of panels instead of a mostly padded half (or, where half tiles are off, full) tile per panel.
         */
        final boolean narrowLast;
        /** B packed once for every task (slice s, tile t at sharedOffset), or null when each task packs its own. */
        float[] sharedB;

        Call(PackedWeights a, PanelSource b, int n, int pixels, float[] c, int cOff, int cImageStride,
             Activation act, SgemmMicroKernel kernel) {
            this.a = a;
            this.b = b;
            this.n = n;
            this.pixels = pixels;
            this.c = c;
            this.cOff = cOff;
            this.cImageStride = cImageStride;
            this.relu = act.relu();
            this.slope = act.negativeSlope();
            this.kernel = kernel;
            this.nr = kernel.nr();
            this.lastTileHalf = kernel.endsInHalfTile(n);
            this.colTiles = (n + nr - 1) / nr;
            int depth = a.depth();
            this.kSlices = kSlices(depth);
            this.kc = kSliceLength(depth);
            int panels = a.panelsPerGroup();
            int tpt;
            int ppt = panels;
            if (a.rows() > n) {
                // Weights outweigh the activations (deep layers on small images): split over A only, so each
                // weight is streamed from memory once, with all columns of B (packed once, shared) per task.
                tpt = colTiles;
                while (a.groups() * ceilDiv(panels, ppt) < TARGET_TASKS && ppt >= 2 * MIN_PANELS_PER_TASK) {
                    ppt = ceilDiv(ppt, 2);
                }
                // Small enough A blocks to stay in L2 (conv4-1024 at batch 8: 4 panels of 3456, 32 tasks).
                ppt = Math.max(1, Math.min(ppt, A_BLOCK_FLOATS / (kc * MR)));
            } else {
                tpt = Math.max(1, Math.min(colTiles, B_BLOCK_FLOATS / (kc * nr)));
                while (a.groups() * ceilDiv(colTiles, tpt) * ceilDiv(panels, ppt) < TARGET_TASKS) {
                    if (tpt > 1) {
                        tpt = ceilDiv(tpt, 2);
                    } else if (ppt >= 2 * MIN_PANELS_PER_TASK) {
                        ppt = ceilDiv(ppt, 2);
                    } else {
                        break;
                    }
                }
            }
            if (a.rows() <= n) {
                tpt = evenSplit(colTiles, tpt, a.groups() * ceilDiv(panels, ppt));
            }
            this.tilesPerTask = tpt;
            this.panelsPerTask = ppt;
            this.nBlocks = ceilDiv(colTiles, tpt);
            this.mBlocks = ceilDiv(panels, ppt);
            this.tasks = a.groups() * mBlocks * nBlocks;
            this.scratchFloats = (mBlocks > 1 ? 0 : kc * tpt * nr) + MR * nr;
            this.narrowLast = kSlices == 1 && kernel.narrowSumsPay()
                    && n - (colTiles - 1) * nr <= SgemmMicroKernel.NARROW_COLUMNS;
        }

        /** Offset of group g, K slice starting at k0 (length kcur), column tile t in the shared B buffer. */
        private int sharedOffset(int g, int k0, int kcur, int t) {
            return (g * a.depth() + k0) * colTiles * nr + t * nr * kcur;
        }

        void packSharedTile(int groupTile) {
            int g = groupTile / colTiles;
            int t = groupTile % colTiles;
            int j0 = t * nr;
            boolean whole = tileWidth(t) == nr && j0 + nr <= n;
            for (int s = 0; s < kSlices; s++) {
                int k0 = s * kc;
                int kcur = Math.min(kc, a.depth() - k0);
                if (whole) {
                    b.packTiles(g, k0, kcur, j0, 1, nr, sharedB, sharedOffset(g, k0, kcur, t), kernel);
                } else {
                    b.pack(g, k0, kcur, j0, Math.min(tileWidth(t), n - j0), tileWidth(t), sharedB,
                            sharedOffset(g, k0, kcur, t));
                }
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
            int edge = scratchFloats - MR * nr;
            int depth = a.depth();
            for (int s = 0; s < kSlices; s++) {
                int k0 = s * kc;
                int kcur = Math.min(kc, depth - k0);
                float[] bp = buf;
                int bBase = 0;
                if (sharedB == null) {
                    // Whole tiles together; only the last tile of the row can be narrower or stick out.
                    int whole = t1 - t0 - (t1 == colTiles && (lastTileHalf || n % nr != 0) ? 1 : 0);
                    b.packTiles(g, k0, kcur, t0 * nr, whole, nr, buf, 0, kernel);
                    for (int t = t0 + whole; t < t1; t++) {
                        int j0 = t * nr;
                        b.pack(g, k0, kcur, j0, Math.min(tileWidth(t), n - j0), tileWidth(t), buf,
                                (t - t0) * nr * kcur);
                    }
                } else {
                    bp = sharedB;
                    bBase = sharedOffset(g, k0, kcur, t0);
                }
                boolean accumulate = s > 0;
                boolean applyRelu = s == kSlices - 1 && relu;
                if (sharedB != null && (long) (p1 - p0) * kcur * MR <= A_BLOCK_FLOATS) {
                    // Each B tile stays in L2 while this task's A panels (also in L2) sweep it; sweeping all of
                    // a large shared B for every panel instead re-reads it from L3 or memory once per panel.
                    for (int t = t0; t < t1; t++) {
                        for (int p = p0; p < p1; p++) {
                            tile(g, p, p0, p1, t, t0, k0, kcur, bp, bBase, accumulate, applyRelu, buf, edge);
                        }
                    }
                } else {
                    for (int p = p0; p < p1; p++) {
                        for (int t = t0; t < t1; t++) {
                            tile(g, p, p0, p1, t, t0, k0, kcur, bp, bBase, accumulate, applyRelu, buf, edge);
                        }
                    }
                }
            }
        }

        /** Runs the MR x width tile of A panel p (of the task's panels p0..p1-1) and B tile t for one K slice. */
        private void tile(int g, int p, int p0, int p1, int t, int t0, int k0, int kcur, float[] bp, int bBase,
                          boolean accumulate, boolean applyRelu, float[] buf, int edge) {
            if (narrowLast && t == colTiles - 1) {
                if ((p - p0) % 2 == 1) {
                    return; // done with panel p - 1
                }
                if (p + 1 < p1) {
                    narrowPair(g, p, t, t0, k0, kcur, bp, bBase, applyRelu, buf, edge);
                    return;
                }
            }
            float[] w = a.data();
            float[] bias = a.paddedBias();
            int rows = a.rows();
            int aOff = a.offset(g, p, k0);
            int row0 = p * MR;
            int rowsValid = Math.min(MR, rows - row0);
            int biasOff = (g * a.panelsPerGroup() + p) * MR;
            int cRow = cOff + (g * rows + row0) * pixels; // row0's first pixel in image 0
            int width = tileWidth(t);
            int j0 = t * nr;
            int colsValid = Math.min(width, n - j0);
            int bOff = bBase + (t - t0) * nr * kcur;
            int image = j0 / pixels;
            int pixel = j0 - image * pixels;
            if (rowsValid == MR && colsValid == width && pixel + width <= pixels) {
                run(width, kcur, w, aOff, bp, bOff, c, cRow + image * cImageStride + pixel, pixels,
                        accumulate, bias, biasOff, applyRelu);
            } else {
                // Edge tile (or one spanning two images): same kernel on a scratch tile, so each
                // output sees the same float operations as in a full tile.
                if (accumulate) {
                    transfer(false, cRow, j0, rowsValid, colsValid, buf, edge, width);
                }
                run(width, kcur, w, aOff, bp, bOff, buf, edge, width, accumulate, bias, biasOff, applyRelu);
                transfer(true, cRow, j0, rowsValid, colsValid, buf, edge, width);
            }
        }

        /**
         * The last tile of panels p and p + 1 via {@link SgemmMicroKernel#narrowSums} into the scratch tile (their
         * two MR x nr/2 blocks fill it), then the tile's output pass there, then the valid part to C: the float
         * operations of the two tiles it replaces.
         */
        private void narrowPair(int g, int p, int t, int t0, int k0, int kcur, float[] bp, int bBase,
                                boolean applyRelu, float[] buf, int edge) {
            int half = nr / 2;
            int second = edge + MR * half;
            int j0 = t * nr;
            int colsValid = n - j0;
            int bOff = bBase + (t - t0) * nr * kcur;
            kernel.narrowSums(kcur, a.data(), a.offset(g, p, k0), a.offset(g, p + 1, k0), bp, bOff, tileWidth(t),
                    buf, edge, second, half);
            int rows = a.rows();
            for (int q = 0; q < 2; q++) {
                int panel = p + q;
                int row0 = panel * MR;
                int at = q == 0 ? edge : second;
                kernel.finishSums(buf, at, half, half, a.paddedBias(), (g * a.panelsPerGroup() + panel) * MR,
                        applyRelu, slope);
                transfer(true, cOff + (g * rows + row0) * pixels, j0, Math.min(MR, rows - row0), colsValid, buf, at,
                        half);
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

        /** Copies the valid part of a scratch tile to C (toC) or from C, one run per image the tile touches. */
        private void transfer(boolean toC, int cRow, int j0, int rowCount, int colCount, float[] tile, int tileOff,
                              int tileStride) {
            for (int q = 0; q < colCount; ) {
                int image = (j0 + q) / pixels;
                int pixel = j0 + q - image * pixels;
                int len = Math.min(colCount - q, pixels - pixel);
                int cAt = cRow + image * cImageStride + pixel;
                for (int r = 0; r < rowCount; r++) {
                    if (toC) {
                        System.arraycopy(tile, tileOff + r * tileStride + q, c, cAt + r * pixels, len);
                    } else {
                        System.arraycopy(c, cAt + r * pixels, tile, tileOff + r * tileStride + q, len);
                    }
                }
                q += len;
            }
        }
    }

    /**
     * Tiles per B block such that the task count ({@code otherBlocks} x blocks) is a multiple of
     * {@link #TASK_MULTIPLE}, with at most twice the blocks of {@code tpt}; {@code tpt} where it already is or no
     * such split exists. Equal tasks are claimed in turn, so 9 or 11 of them kept one of two threads waiting a whole
     * task at the end (AlexNet's conv1: 95 column tiles, 9 blocks; bench/HISTORY.md, session 32).
     */
    static int evenSplit(int colTiles, int tpt, int otherBlocks) {
        int blocks = ceilDiv(colTiles, tpt);
        if (otherBlocks * blocks % TASK_MULTIPLE == 0) {
            return tpt;
        }
        for (int nb = blocks + 1; nb <= Math.min(colTiles, 2 * blocks); nb++) {
            int perBlock = ceilDiv(colTiles, nb);
            if (ceilDiv(colTiles, perBlock) == nb && otherBlocks * nb % TASK_MULTIPLE == 0) {
                return perBlock;
            }
        }
        return tpt;
    }

    /** Task counts are made a multiple of this where B is split ({@link #evenSplit}): even for 2 and 4 threads. */
    static final int TASK_MULTIPLE = 4;

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
