package org.caffe4j.kernels.layout;

import org.caffe4j.kernels.Parallel;

/**
 * dst[b][c][r] = src[b][r][c] for {@code batch} matrices of {@code rows} x {@code cols}: the permutations that swap
 * two runs of axes (SSD's Permute 0,2,3,1 is C x HW to HW x C per image). Tiles of {@link #TILE} x {@link #TILE}
 * keep both the reads and the writes within a few cache lines; tasks are (matrix, row band) pairs, a function of
 * the shape only. Pure data movement: the same bits as {@link PermuteCopy}.
 */
public final class BatchedTranspose {
    static final int TILE = 32;

    private BatchedTranspose() {
    }

    public static int tasks(int batch, int rows) {
        return batch * ((rows + TILE - 1) / TILE);
    }

    public static void forward(float[] src, float[] dst, int batch, int rows, int cols, Parallel par) {
        int bands = (rows + TILE - 1) / TILE;
        long plane = (long) rows * cols;
        par.forEach(batch * bands, t -> {
            int b = t / bands, r0 = (t % bands) * TILE, r1 = Math.min(rows, r0 + TILE);
            int base = (int) (b * plane);
            for (int c0 = 0; c0 < cols; c0 += TILE) {
                int c1 = Math.min(cols, c0 + TILE);
                // Writes run along a destination row; the tile's source rows stay in cache meanwhile.
                for (int c = c0; c < c1; c++) {
                    int to = base + c * rows;
                    for (int r = r0; r < r1; r++) {
                        dst[to + r] = src[base + r * cols + c];
                    }
                }
            }
        });
    }
}
