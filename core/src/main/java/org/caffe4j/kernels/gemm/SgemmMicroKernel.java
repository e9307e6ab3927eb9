package org.caffe4j.kernels.gemm;

/**
 * One register tile of C = A·B over a slice of K, with the output pass (bias or accumulate, then ReLU) fused.
 *
 * <p>Operands come prepacked: the A micro-panel holds {@link #MR} rows interleaved per k
 * ({@code a[aOff + k*MR + r]}), the B micro-panel holds {@code width} columns per k
 * ({@code b[bOff + k*width + j]}), with width {@link #nr()} for {@link #tile} and {@code nr()/2} for
 * {@link #halfTile}. Each output is computed as: acc = 0; for k ascending acc = fma(a, b, acc);
 * result = acc + (accumulate ? c : bias[r] or 0); then ReLU if asked. Implementations must follow exactly that
 * float-op sequence so that the vector kernel and its scalar twin give bit-identical results.
 */
public interface SgemmMicroKernel {
    /** Rows of A (output channels) per tile; fixed so that weights packed once serve every kernel. */
    int MR = 8;

    /** Columns of B (output pixels) per full tile. */
    int nr();

    /**
     * Computes an MR x nr() tile.
     *
     * @param accumulate add to what c already holds (a later K slice) instead of starting from the bias
     * @param bias       per-row start values at {@code bias[biasOff + r]}, or null for zero; unused when accumulating
     * @param relu       apply y = x > 0 ? x : x * slope after the sum (only on the last K slice)
     */
    void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
              boolean accumulate, float[] bias, int biasOff, boolean relu, float slope);

    /**
     * Whether {@link #halfTile} is worth using for a column remainder of at most nr()/2 columns, rather than a full
     * tile over padded columns. A half tile does one FMA per broadcast of A, and where the JIT broadcasts through
     * the shuffle unit (JDK 17 with AVX2) that caps it at a third of the full tile's speed.
     */
    default boolean halfTilePays() {
        return true;
    }

    /** Whether a row of tiles across {@code columns} columns ends in a half tile, for this kernel. */
    default boolean endsInHalfTile(int columns) {
        return endsInHalfTile(columns, nr(), halfTilePays());
    }

    /**
     * Whether a row of {@code nr}-wide tiles across {@code columns} columns ends in a half tile: when half tiles pay
     * and the remainder is at most nr/2 columns; otherwise the last tile is a full one over padded columns.
     */
    static boolean endsInHalfTile(int columns, int nr, boolean halfTilesPay) {
        int rem = columns % nr;
        return halfTilesPay && rem != 0 && rem <= nr / 2;
    }

    /**
     * Columns per panel in {@link PackedSgemm}'s transposed few-columns path, where a panel of output columns takes
     * A's place and a tile of nr output channels B's ({@link #transposedTile}). MR unless the kernel has a taller tile
     * for it: wider panels read each weight tile fewer times.
     */
    default int transposedRows() {
        return MR;
    }

    /**
     * The transposed path's tile: {@code rows} columns of a column panel (its k-th row {@code rows} floats after the
     * previous) times nr weight columns, {@code c = act(sums + c)} where C (from {@code cOff}, rows {@code ldc}
     * apart) holds the bias: per output the float operations of {@link #tile} in accumulate mode, so the same bits.
     *
     * @param rows MR or what {@link #transposedRows()} answered for this product (it may change between products)
     */
    default void transposedTile(int rows, int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                int ldc, boolean relu, float slope) {
        if (rows != MR) {
            throw new IllegalArgumentException("this kernel's transposed tile has " + MR + " rows, not " + rows);
        }
        tile(kc, a, aOff, b, bOff, c, cOff, ldc, true, null, 0, relu, slope);
    }

    /** Same as {@link #tile} for an MR x nr()/2 tile (the column remainder of a row of tiles). */
    void halfTile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                  boolean accumulate, float[] bias, int biasOff, boolean relu, float slope);

    /**
     * The bare sums of an MR x nr() tile (acc = 0, fma over k ascending), for products whose consumer adds the
     * bias itself (Winograd's M before its output transform). Equal bit for bit to {@link #tile} with no bias, no
     * accumulation and no ReLU: that adds +0, which changes no sum, since a sum started at +0 is never -0 under
     * round-to-nearest. Kernels whose output pass is a separate sweep over C skip it here.
     */
    default void sums(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        tile(kc, a, aOff, b, bOff, c, cOff, ldc, false, null, 0, false, 0f);
    }

    /** {@link #sums} of an MR x nr()/2 tile. */
    default void halfSums(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc) {
        halfTile(kc, a, aOff, b, bOff, c, cOff, ldc, false, null, 0, false, 0f);
    }

    /** Most valid columns {@link #narrowSums} covers. */
    int NARROW_COLUMNS = 4;

    /**
     * Whether {@link #narrowSums} beats the tile it replaces for a last tile of at most {@link #NARROW_COLUMNS}
     * valid columns: a half tile (one broadcast per FMA) or, where half tiles are off, a full tile that computes 16
     * columns, most of them padding.
     */
    default boolean narrowSumsPay() {
        return false;
    }

    /**
     * The bare sums of two A panels (at {@code aOff} and {@code aOff2}) against the first {@link #NARROW_COLUMNS}
     * columns of a B tile of {@code bWidth} columns (nr() or nr()/2; {@code b[bOff + k*bWidth + j]}), into
     * {@code c[cOff + r*ldc + j]} and {@code c[cOff2 + r*ldc + j]}: per output the float operations of
     * {@link #sums} (acc = 0, fma over k ascending), so that with {@link #finishSums} it stands in for the two
     * panels' tiles without changing a bit.
     */
    default void narrowSums(int kc, float[] a, int aOff, int aOff2, float[] b, int bOff, int bWidth, float[] c,
                            int cOff, int cOff2, int ldc) {
        for (int panel = 0; panel < 2; panel++) {
            int panelOff = panel == 0 ? aOff : aOff2;
            int out = panel == 0 ? cOff : cOff2;
            for (int r = 0; r < MR; r++) {
                for (int j = 0; j < NARROW_COLUMNS; j++) {
                    float acc = 0f;
                    for (int k = 0, ak = panelOff + r, bk = bOff + j; k < kc; k++, ak += MR, bk += bWidth) {
                        acc = Math.fma(a[ak], b[bk], acc);
                    }
                    c[out + r * ldc + j] = acc;
                }
            }
        }
    }

    /**
     * The output pass of {@link #tile} (not accumulating) over MR x {@code width} bare sums in C: adds the start
     * value (bias or 0), then ReLU as the tile would. {@code width} is a multiple of nr()/2.
     */
    default void finishSums(float[] c, int cOff, int ldc, int width, float[] bias, int biasOff, boolean relu,
                            float slope) {
        for (int r = 0; r < MR; r++) {
            float start = bias == null ? 0f : bias[biasOff + r];
            for (int j = 0; j < width; j++) {
                int at = cOff + r * ldc + j;
                float v = c[at] + start;
                c[at] = !relu ? v : slope == 0f ? Math.max(v, 0f) : v > 0f ? v : v * slope;
            }
        }
    }

    /**
     * Copies {@code rows} rows of {@code tiles} whole B tiles out of a row-major source into the packed layout:
     * the nr() floats at {@code src[srcOff + kk*srcRowStride + t*nr()]} go to
     * {@code dst[dstOff + t*dstTileStride + kk*nr()]}. A plain copy, so every kernel gives the same bits; the vector
     * kernel moves a tile row as whole vectors, which for runs this short beats System.arraycopy (a stub call per
     * 16 or 32 floats).
     */
    default void copyTileRows(float[] src, int srcOff, int srcRowStride, int rows, int tiles, float[] dst,
                              int dstOff, int dstTileStride) {
        int width = nr();
        for (int kk = 0; kk < rows; kk++, srcOff += srcRowStride, dstOff += width) {
            for (int t = 0; t < tiles; t++) {
                System.arraycopy(src, srcOff + t * width, dst, dstOff + t * dstTileStride, width);
            }
        }
    }

    /**
     * How the im2col path splits stride-2 input rows into their even and odd columns (the column phases it reads
     * from): the vector kernel with permutes, the others element by element.
     */
    default org.caffe4j.kernels.layout.EvenOddSplit evenOddSplit() {
        return org.caffe4j.kernels.layout.EvenOddSplit.SCALAR;
    }

    /**
     * The im2col copy of one packed block: for each of {@code rows} rows kk, the {@code runCount} runs of source
     * floats (run r starts at {@code src[srcBase + rowOffsets[row0 + kk] + runs[2r]]} and is {@code runs[2r + 1]}
     * long) go one after another to {@code dst[dstOff + kk*width ..]}, {@code valid} floats in all, and zeros fill
     * the row up to {@code width}. Writes nothing outside {@code dst[dstOff .. dstOff + rows*width)}. A plain copy,
     * so every kernel gives the same bits; the vector kernel moves each run as whole vectors, which for runs this
     * short (13 floats on a 13x13 map) beats System.arraycopy's stub call per run.
     */
    default void gatherRows(float[] src, int srcBase, int[] rowOffsets, int row0, int rows, int[] runs, int runCount,
                            float[] dst, int dstOff, int width, int valid) {
        for (int kk = 0; kk < rows; kk++, dstOff += width) {
            int base = srcBase + rowOffsets[row0 + kk];
            for (int r = 0, q = dstOff; r < runCount; r++) {
                int len = runs[2 * r + 1];
                System.arraycopy(src, base + runs[2 * r], dst, q, len);
                q += len;
            }
            if (valid < width) {
                java.util.Arrays.fill(dst, dstOff + valid, dstOff + width, 0f);
            }
        }
    }

    /**
     * The bare sums of one row of an A panel ({@code a[aOff + k*MR]}) against {@code tiles} B tiles of nr() columns
     * (tile t at {@code b[bOff + t*bTileStride + k*nr()]}), into {@code c[cOff + t*cTileStride + j]}: acc = 0, fma
     * over k ascending — per output the float operations of {@link #sums}, so a panel may be split into rows
     * without changing a bit. For panels with few valid rows (a transposed product over a handful of columns),
     * where a full MR-row tile would mostly multiply padding.
     */
    default void rowSums(int kc, float[] a, int aOff, float[] b, int bOff, int bTileStride, int tiles, float[] c,
                         int cOff, int cTileStride) {
        int width = nr();
        for (int t = 0; t < tiles; t++) {
            for (int j = 0; j < width; j++) {
                float acc = 0f;
                for (int k = 0, ak = aOff, bk = bOff + t * bTileStride + j; k < kc; k++, ak += MR, bk += width) {
                    acc = Math.fma(a[ak], b[bk], acc);
                }
                c[cOff + t * cTileStride + j] = acc;
            }
        }
    }
}
