package org.caffe4j.kernels.gemm;

import java.util.Arrays;

/**
 * B operands stored row-major, image after image: group g's row k, column j (pixel p = j % columnsPerImage of image
 * i = j / columnsPerImage) at {@code data[offset + i*imageStride + g*groupStride + k*rowStride + p]}. A 1x1 stride-1
 * convolution's NCHW input is exactly this (rows = channels, columns = pixels), so it is packed straight from the
 * images with one contiguous copy per row and image.
 */
public final class RowMajorPanels implements PanelSource {
    private final float[] data;
    private final int offset;
    private final int rowStride;
    private final int groupStride;
    private final int columnsPerImage;
    private final int imageStride;

    /** One image: every column is in the same row run. */
    public RowMajorPanels(float[] data, int offset, int rowStride, int groupStride) {
        this(data, offset, rowStride, groupStride, Integer.MAX_VALUE, 0);
    }

    /** Columns are the pixels of consecutive images, {@code columnsPerImage} each, image i at i*imageStride. */
    public RowMajorPanels(float[] data, int offset, int rowStride, int groupStride, int columnsPerImage,
                          int imageStride) {
        if (columnsPerImage <= 0) {
            throw new IllegalArgumentException("columnsPerImage must be positive: " + columnsPerImage);
        }
        this.data = data;
        this.offset = offset;
        this.rowStride = rowStride;
        this.groupStride = groupStride;
        this.columnsPerImage = columnsPerImage;
        this.imageStride = imageStride;
    }

    @Override
    public void pack(int group, int k0, int kc, int j0, int valid, int width, float[] dst, int dstOff) {
        int rowBase = offset + group * groupStride + k0 * rowStride;
        for (int kk = 0; kk < kc; kk++, rowBase += rowStride, dstOff += width) {
            copyColumns(rowBase, j0, valid, dst, dstOff);
            if (valid < width) {
                Arrays.fill(dst, dstOff + valid, dstOff + width, 0f);
            }
        }
    }

    /**
     * Row by row across all the tiles: each row's run of tiles * width floats is read once, front to back, where
     * tile-by-tile packing walks every row once per tile, a cache line or two per row each time (NIN's 1x1 layers
     * at batch 8 spent a quarter of their time packing that way; figures in bench/HISTORY.md).
     */
    @Override
    public void packTiles(int group, int k0, int kc, int j0, int tiles, int width, float[] dst, int dstOff,
                          SgemmMicroKernel kernel) {
        int rowBase = offset + group * groupStride + k0 * rowStride;
        int tileStride = kc * width;
        int image = j0 / columnsPerImage;
        if ((j0 + tiles * width - 1) / columnsPerImage != image) {
            for (int kk = 0; kk < kc; kk++, rowBase += rowStride) {
                for (int t = 0; t < tiles; t++) {
                    copyColumns(rowBase, j0 + t * width, width, dst, dstOff + t * tileStride + kk * width);
                }
            }
            return;
        }
        // All in one image (always so for a single image): plain copies, no per-tile image arithmetic.
        int src = rowBase + image * imageStride + j0 - image * columnsPerImage;
        if (width == kernel.nr()) {
            kernel.copyTileRows(data, src, rowStride, kc, tiles, dst, dstOff, tileStride);
            return;
        }
        for (int kk = 0; kk < kc; kk++, src += rowStride) {
            for (int t = 0; t < tiles; t++) {
                System.arraycopy(data, src + t * width, dst, dstOff + t * tileStride + kk * width, width);
            }
        }
    }

    /** Columns j0 .. j0+count-1 of the row starting at rowBase (in image 0): one copy per image they span. */
    private void copyColumns(int rowBase, int j0, int count, float[] dst, int dstOff) {
        int image = j0 / columnsPerImage;
        int pixel = j0 - image * columnsPerImage;
        for (int q = 0; q < count; image++, pixel = 0) {
            int len = Math.min(count - q, columnsPerImage - pixel);
            System.arraycopy(data, rowBase + image * imageStride + pixel, dst, dstOff + q, len);
            q += len;
        }
    }
}
