package org.caffe4j.kernels.gemm;

import java.util.Arrays;

/**
 * B operands stored row-major: group g's row k, column j at {@code data[offset + g*groupStride + k*rowStride + j]}.
 * A 1x1 stride-1 convolution's NCHW input is exactly this (rows = channels, columns = pixels), so it is packed
 * straight from the image with one contiguous copy per row.
 */
public final class RowMajorPanels implements PanelSource {
    private final float[] data;
    private final int offset;
    private final int rowStride;
    private final int groupStride;

    public RowMajorPanels(float[] data, int offset, int rowStride, int groupStride) {
        this.data = data;
        this.offset = offset;
        this.rowStride = rowStride;
        this.groupStride = groupStride;
    }

    @Override
    public void pack(int group, int k0, int kc, int j0, int valid, int width, float[] dst, int dstOff) {
        int src = offset + group * groupStride + k0 * rowStride + j0;
        for (int kk = 0; kk < kc; kk++, src += rowStride, dstOff += width) {
            System.arraycopy(data, src, dst, dstOff, valid);
            if (valid < width) {
                Arrays.fill(dst, dstOff + valid, dstOff + width, 0f);
            }
        }
    }

    /**
     * Row by row across all the tiles: each row's run of tiles * width floats is read once, front to back, where
     * tile-by-tile packing walks every row once per tile, a cache line or two per row each time (JFR: packing was
     * 23% of a 27x27 1x1 layer's samples at batch 8, 11% after). Against tile by tile, alternating in one process:
     * NIN's 54x54 and 27x27 1x1 layers at batch 8 0.77-0.98 of the time, whole NIN passes 0.97 (b8), 0.99 (b1).
     */
    @Override
    public void packTiles(int group, int k0, int kc, int j0, int tiles, int width, float[] dst, int dstOff) {
        int src = offset + group * groupStride + k0 * rowStride + j0;
        int tileStride = kc * width;
        for (int kk = 0; kk < kc; kk++, src += rowStride) {
            for (int t = 0; t < tiles; t++) {
                System.arraycopy(data, src + t * width, dst, dstOff + t * tileStride + kk * width, width);
            }
        }
    }
}
