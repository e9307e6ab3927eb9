package org.caffe4j.kernels.gemm;

/**
 * The A operand of {@link PackedSgemm} (weights: {@code groups} row-major matrices of rows x depth), packed once
 * into panels of {@link SgemmMicroKernel#MR} rows: within a panel the MR values of each k are adjacent, so the
 * micro-kernel reads A sequentially. Rows past {@code rows} in the last panel are zero. The layout depends only
 * on the matrices, never on the B operand, so one packing serves any spatial size or batch.
 */
public final class PackedWeights {
    private static final int MR = SgemmMicroKernel.MR;
    /**
     * Unused floats after the last panel, so that a vector load of a panel row wider than its MR floats (the GEMV
     * kernel's 16-float loads on AVX-512) stays inside the array.
     */
    public static final int TAIL_FLOATS = 8;
    /**
     * Rows per block of the {@link #rowBlocks} layout. A block's values of one k take 512 bytes, eight cache lines, so
     * a GEMV that skips the k whose input is zero skips whole lines (in 8-row panels a k is half a line, which the
     * prefetchers fetch anyway: bench/HISTORY.md, session 35).
     */
    public static final int BLOCK_ROWS = 128;
    /** Values of k packed per pass over a block's rows: 64 k rows of a block are 32 KB. */
    private static final int PACK_RUN = 64;

    /**
     * The panels, or null while only the {@link #channelTiles} copy is kept (the few-columns path runs on that
     * alone; a multiplication that needs panels again rebuilds them, see {@link #data}).
     */
    private volatile float[] panels;
    private final int panelFloats;
    private final float[] paddedBias;
    private final int groups;
    private final int rows;
    private final int depth;
    private final int panelsPerGroup;
    /** Whether the source was stored transposed ({@link #packTransposed}), the layout {@link #unpack} rebuilds. */
    private final boolean transposedSource;
    /** The same weights as column tiles for {@link PackedSgemm}'s few-column path; built on first use. */
    private volatile ChannelTiles channelTiles;
    /** The same weights as {@link #BLOCK_ROWS}-row blocks for {@link RowBlockGemv}; see {@link #rowBlocks}. */
    private volatile float[] rowBlocks;
    /**
     * Whether every weight is finite, so that a zero input adds nothing (w x 0 is NaN for an infinite w): null until
     * {@link #allFinite} first scans the weights (only the GEMV that skips zero inputs asks).
     */
    private volatile Boolean allFinite;

    /**
     * Weights transposed into B-operand tiles of {@code nr} output rows: group g, tile t, k, lane j at
     * {@code data[((g*tilesPerGroup + t)*depth + k)*nr + j]} = row t*nr + j of group g (zero past the last row);
     * bias (or zeros) padded the same way at {@code bias[(g*tilesPerGroup + t)*nr + j]}.
     */
    public record ChannelTiles(int nr, int tilesPerGroup, float[] data, float[] bias) {
    }

    private PackedWeights(float[] panels, float[] rowBlocks, float[] paddedBias, int groups, int rows, int depth,
                          boolean transposedSource) {
        this.panels = panels;
        this.rowBlocks = rowBlocks;
        this.panelFloats = Math.addExact(Math.multiplyExact(Math.multiplyExact(groups * ((rows + MR - 1) / MR), MR),
                depth), TAIL_FLOATS);
        this.transposedSource = transposedSource;
        this.paddedBias = paddedBias;
        this.groups = groups;
        this.rows = rows;
        this.depth = depth;
        this.panelsPerGroup = (rows + MR - 1) / MR;
    }

    /**
     * Packs {@code groups} matrices of {@code rows x depth}; group g's row r, column k is at
     * {@code src[srcOff + (g*rows + r)*depth + k]} (for convolution weights in OIHW order: rows = output channels
     * per group, depth = input channels per group x kH x kW).
     *
     * @param bias null, or {@code groups*rows} values added to the matching output rows
     */
    public static PackedWeights pack(float[] src, int srcOff, int groups, int rows, int depth, float[] bias) {
        checkSource(src, srcOff, groups, rows, depth, bias);
        return packStrided(src, srcOff, groups, rows, depth, depth, 1, bias, false);
    }

    /**
     * Packs one {@code rows x depth} matrix (row-major, or transposed as for {@link #packTransposed}) straight into
     * the {@link #rowBlocks} layout, for a fully connected layer whose batch runs as a GEMV: the panels are built
     * only if a larger batch needs them.
     */
    public static PackedWeights packRowBlocks(float[] src, int srcOff, int rows, int depth, boolean transposed,
                                              float[] bias) {
        checkSource(src, srcOff, 1, rows, depth, bias);
        return transposed ? packStrided(src, srcOff, 1, rows, depth, 1, rows, bias, true)
                : packStrided(src, srcOff, 1, rows, depth, depth, 1, bias, true);
    }

    /**
     * Packs one {@code rows x depth} matrix stored transposed, i.e. row r, column k at {@code src[srcOff + k*rows + r]}
     * (Caffe's InnerProduct weights with {@code transpose: true}), without a transposed copy of the source.
     */
    public static PackedWeights packTransposed(float[] src, int srcOff, int rows, int depth, float[] bias) {
        checkSource(src, srcOff, 1, rows, depth, bias);
        return packStrided(src, srcOff, 1, rows, depth, 1, rows, bias, false);
    }

    /** The checks every packing makes on its source: a positive shape that fits the array, and one bias per row. */
    private static void checkSource(float[] src, int srcOff, int groups, int rows, int depth, float[] bias) {
        if (groups <= 0 || rows <= 0 || depth <= 0) {
            throw new IllegalArgumentException("groups, rows and depth must be positive: " + groups + ", " + rows
                    + ", " + depth);
        }
        if (srcOff < 0 || (long) srcOff + (long) groups * rows * depth > src.length) {
            throw new IllegalArgumentException("weights array too short: need " + (long) groups * rows * depth
                    + " values from offset " + srcOff + ", have " + src.length);
        }
        if (bias != null && bias.length != (long) groups * rows) {
            throw new IllegalArgumentException("bias has " + bias.length + " values; expected " + (long) groups * rows);
        }
    }

    /**
     * Row r, column k of group g at {@code src[srcOff + (g*rows + r)*rowStride + k*colStride]}, into panels or (one
     * group only) row blocks.
     */
    private static PackedWeights packStrided(float[] src, int srcOff, int groups, int rows, int depth, int rowStride,
                                             int colStride, float[] bias, boolean asRowBlocks) {
        int ppg = (rows + MR - 1) / MR;
        // Padded to whole panels so the micro-kernel can read MR bias values for an edge panel too.
        float[] paddedBias = null;
        if (bias != null) {
            paddedBias = new float[groups * ppg * MR];
            for (int g = 0; g < groups; g++) {
                System.arraycopy(bias, g * rows, paddedBias, g * ppg * MR, rows);
            }
        }
        if (asRowBlocks) {
            float[] blocks = new float[rowBlockFloats(rows, depth)];
            // In runs of k whose block rows (32 KB) stay in L1 while every row writes into them: a block's whole
            // depth (4.7 MB for AlexNet's fc6) would miss on nearly every write.
            for (int r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
                int r1 = Math.min(rows, r0 + BLOCK_ROWS);
                for (int k0 = 0; k0 < depth; k0 += PACK_RUN) {
                    int k1 = Math.min(depth, k0 + PACK_RUN);
                    for (int r = r0; r < r1; r++) {
                        long first = srcOff + (long) r * rowStride;
                        int to = rowBlockOffset(r, depth);
                        for (int k = k0; k < k1; k++) {
                            blocks[to + k * BLOCK_ROWS] = src[(int) (first + (long) k * colStride)];
                        }
                    }
                }
            }
            return new PackedWeights(null, blocks, paddedBias, 1, rows, depth, colStride != 1);
        }
        float[] panels = new float[Math.addExact(Math.multiplyExact(Math.multiplyExact(groups * ppg, MR), depth),
                TAIL_FLOATS)];
        for (int g = 0; g < groups; g++) {
            for (int p = 0; p < ppg; p++) {
                int base = (g * ppg + p) * MR * depth;
                int valid = Math.min(MR, rows - p * MR);
                long first = srcOff + (long) (g * rows + p * MR) * rowStride;
                if (colStride == 1) {
                    for (int r = 0; r < valid; r++) {
                        int from = (int) (first + (long) r * rowStride);
                        for (int k = 0; k < depth; k++) {
                            panels[base + k * MR + r] = src[from + k];
                        }
                    }
                } else {
                    // Transposed source: a panel's MR rows at one k are adjacent, so copy them k by k.
                    for (int k = 0; k < depth; k++) {
                        int from = (int) (first + (long) k * colStride);
                        for (int r = 0; r < valid; r++) {
                            panels[base + k * MR + r] = src[from + r * rowStride];
                        }
                    }
                }
            }
        }
        return new PackedWeights(panels, null, paddedBias, groups, rows, depth, colStride != 1);
    }

    /** Floats of the row-block layout: whole blocks, the last padded with zero rows. */
    private static int rowBlockFloats(int rows, int depth) {
        return Math.multiplyExact(Math.multiplyExact((rows + BLOCK_ROWS - 1) / BLOCK_ROWS, BLOCK_ROWS), depth);
    }

    /** Where row r's value at k = 0 sits in the row-block layout (value k is {@code k*BLOCK_ROWS} further). */
    private static int rowBlockOffset(int r, int depth) {
        return (r / BLOCK_ROWS) * BLOCK_ROWS * depth + r % BLOCK_ROWS;
    }

    /**
     * The weights as they were packed from offset 0: {@code groups*rows*depth} values in the source's layout
     * (row-major per group, or transposed for {@link #packTransposed}). Packing only moves values, so they are
     * exactly the source's: the planner drops the loaded weights and rebuilds them from here when asked.
     */
    public float[] unpack() {
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(groups, rows), depth)];
        float[] blocks = rowBlocks;
        if (panels == null && blocks != null) {
            for (int r = 0; r < rows; r++) {
                int from = rowBlockOffset(r, depth);
                for (int k = 0; k < depth; k++) {
                    out[transposedSource ? k * rows + r : r * depth + k] = blocks[from + k * BLOCK_ROWS];
                }
            }
            return out;
        }
        float[] panels = data();
        for (int g = 0; g < groups; g++) {
            for (int p = 0; p < panelsPerGroup; p++) {
                int base = (g * panelsPerGroup + p) * MR * depth;
                int valid = Math.min(MR, rows - p * MR);
                for (int r = 0; r < valid; r++) {
                    int row = g * rows + p * MR + r;
                    for (int k = 0; k < depth; k++) {
                        out[transposedSource ? k * rows + row : row * depth + k] = panels[base + k * MR + r];
                    }
                }
            }
        }
        return out;
    }

    public int groups() {
        return groups;
    }

    /** Rows per group (M of each group's GEMM). */
    public int rows() {
        return rows;
    }

    /** Columns (K of the GEMM). */
    public int depth() {
        return depth;
    }

    public int panelsPerGroup() {
        return panelsPerGroup;
    }

    /** Bias in panel order (index (g*panelsPerGroup + p)*MR + r), or null. */
    float[] paddedBias() {
        return paddedBias;
    }

    /**
     * The packed panels; panel p of group g starts at {@link #offset}. Rebuilt from the row blocks or the channel
     * tiles (exactly: all only place the same values) when those had replaced them.
     */
    public float[] data() {
        float[] p = panels;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (panels == null) {
                panels = rowBlocks != null ? panelsFromRowBlocks(rowBlocks) : unpackChannelTiles(channelTiles);
            }
            return panels;
        }
    }

    /**
     * The weights as {@link #BLOCK_ROWS}-row blocks (one group only): row r's value k at
     * {@code ((r / BLOCK_ROWS) * depth + k) * BLOCK_ROWS + r % BLOCK_ROWS}, rows past the last zero. Built from the
     * panels on first call, which then drops them (the GEMV reads only the blocks); a later {@link #data} call
     * rebuilds the panels and both are kept, so that batches alternating between the paths do not repack each time.
     */
    public float[] rowBlocks() {
        float[] b = rowBlocks;
        if (b != null) {
            return b;
        }
        if (groups != 1) {
            throw new IllegalStateException("row blocks hold one group of weights, not " + groups);
        }
        synchronized (this) {
            if (rowBlocks == null) {
                float[] from = data();
                float[] blocks = new float[rowBlockFloats(rows, depth)];
                for (int r = 0; r < rows; r++) {
                    int at = offset(0, r / MR, 0) + r % MR;
                    int to = rowBlockOffset(r, depth);
                    for (int k = 0; k < depth; k++) {
                        blocks[to + k * BLOCK_ROWS] = from[at + k * MR];
                    }
                }
                rowBlocks = blocks;
                panels = null;
            }
            return rowBlocks;
        }
    }

    private float[] panelsFromRowBlocks(float[] blocks) {
        float[] out = new float[panelFloats];
        for (int r = 0; r < rows; r++) {
            int from = rowBlockOffset(r, depth);
            int to = offset(0, r / MR, 0) + r % MR;
            for (int k = 0; k < depth; k++) {
                out[to + k * MR] = blocks[from + k * BLOCK_ROWS];
            }
        }
        return out;
    }

    /**
     * Whether every weight is finite: then a zero input contributes exactly nothing to any sum and may be skipped.
     * Scanned on first call, in whichever layout is held (their padding is zeros, finite).
     */
    public boolean allFinite() {
        Boolean finite = allFinite;
        if (finite == null) {
            float[] b = rowBlocks;
            float[] p = panels;
            float[] values = b != null ? b : p != null ? p : channelTiles.data();
            boolean all = true;
            for (int i = 0; i < values.length && all; i++) {
                all = Float.isFinite(values[i]);
            }
            finite = all;
            allFinite = finite;
        }
        return finite;
    }

    /** Floats of weights this object holds now: the panels, the channel tiles, the row blocks, or (after a rebuild) more than one. */
    public long heldFloats() {
        ChannelTiles t = channelTiles;
        float[] b = rowBlocks;
        return (panels == null ? 0 : panelFloats) + (t == null ? 0 : t.data().length) + (b == null ? 0 : b.length);
    }

    /**
     * Bytes of weights held in all the layouts this object keeps now ({@link #heldFloats} without the panels' unused
     * tail): one layout's {@link #bytes} until a multiplication has needed another.
     */
    public long heldBytes() {
        return 4 * (heldFloats() - (panels == null ? 0 : TAIL_FLOATS));
    }

    /**
     * Bytes of weights one multiplication reads: the packed panels, padding included (the channel-tile layout,
     * when a multiplication uses it instead, holds the same values padded to tiles instead of panels).
     */
    public long bytes() {
        return 4L * (panelFloats - TAIL_FLOATS);
    }

    /**
     * The weights as column tiles of width nr, packed on first call, which then drops the panels: the few-columns
     * path (6x6 maps at batch 1: NIN's conv4-1024, cccp7 and cccp8) reads only the tiles, and holding both kept
     * those weights twice. A later {@link #data} call rebuilds the panels.
     */
    public ChannelTiles channelTiles(int nr) {
        ChannelTiles t = channelTiles;
        if (t == null || t.nr() != nr) {
            synchronized (this) {
                t = channelTiles;
                if (t == null || t.nr() != nr) {
                    t = packChannelTiles(data(), nr);
                    channelTiles = t;
                    panels = null;
                }
            }
        }
        return t;
    }

    /** The panels from column tiles: the inverse of {@link #packChannelTiles}. */
    private float[] unpackChannelTiles(ChannelTiles t) {
        float[] out = new float[panelFloats];
        int nr = t.nr();
        for (int g = 0; g < groups; g++) {
            for (int r = 0; r < rows; r++) {
                int from = (g * t.tilesPerGroup() + r / nr) * depth * nr + r % nr;
                int to = offset(g, r / MR, 0) + r % MR;
                for (int k = 0; k < depth; k++) {
                    out[to + k * MR] = t.data()[from + k * nr];
                }
            }
        }
        return out;
    }

    private ChannelTiles packChannelTiles(float[] panels, int nr) {
        int tiles = (rows + nr - 1) / nr;
        float[] data = new float[Math.multiplyExact(Math.multiplyExact(groups * tiles, nr), depth)];
        float[] bias = new float[groups * tiles * nr];
        for (int g = 0; g < groups; g++) {
            for (int r = 0; r < rows; r++) {
                int t = r / nr, j = r % nr;
                int panelRow = (g * panelsPerGroup + r / MR) * MR + r % MR;
                int from = offset(g, r / MR, 0) + r % MR;
                int to = (g * tiles + t) * depth * nr + j;
                for (int k = 0; k < depth; k++) {
                    data[to + k * nr] = panels[from + k * MR];
                }
                bias[(g * tiles + t) * nr + j] = paddedBias == null ? 0f : paddedBias[panelRow];
            }
        }
        return new ChannelTiles(nr, tiles, data, bias);
    }

    /** Offset of column k of row panel p (counted within group g). */
    public int offset(int g, int p, int k) {
        return ((g * panelsPerGroup + p) * depth + k) * MR;
    }
}
