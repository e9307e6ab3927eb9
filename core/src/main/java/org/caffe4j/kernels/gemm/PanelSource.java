package org.caffe4j.kernels.gemm;

/**
 * Produces packed tiles of the B operand (activations) for {@link PackedSgemm}, so a convolution can feed the
 * GEMM straight from its NCHW image (a plain copy for 1x1, an on-the-fly im2col for k x k) without ever
 * materialising a full im2col matrix. Implementations must be safe to call from several threads at once.
 */
public interface PanelSource {
    /**
     * Writes rows {@code k0 .. k0+kc-1} and columns {@code j0 .. j0+valid-1} of group {@code group}'s B matrix to
     * {@code dst[dstOff + kk*width + jj]}, and zeros to columns {@code valid .. width-1} of each row.
     */
    void pack(int group, int k0, int kc, int j0, int valid, int width, float[] dst, int dstOff);

    /**
     * Writes {@code tiles} whole tiles of {@code width} columns from column {@code j0} on, tile t as {@link #pack}
     * with all {@code width} columns valid at {@code dst[dstOff + t*kc*width]}. Sources whose rows are runs in memory
     * override it to read each row once across all the tiles, moving full-width tiles with the kernel's
     * {@link SgemmMicroKernel#copyTileRows}.
     */
    default void packTiles(int group, int k0, int kc, int j0, int tiles, int width, float[] dst, int dstOff,
                           SgemmMicroKernel kernel) {
        for (int t = 0; t < tiles; t++) {
            pack(group, k0, kc, j0 + t * width, width, width, dst, dstOff + t * kc * width);
        }
    }
}
