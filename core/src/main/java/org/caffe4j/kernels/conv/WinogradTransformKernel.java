package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.Activation;

/**
 * The per-tile transforms of {@link Conv2dWinograd}, for {@link #lanes()} tiles at once (one per lane). Each value
 * is computed over the non-zero coefficients c_q of the matrix row in ascending column order
 * ({@link WinogradMatrices#inputColumns}) as acc = c_0 * x_0, then acc = fma(c_q, x_q, acc), first down the columns
 * of the tile and then along its rows; implementations must follow exactly that sequence (±1 may be negation,
 * addition or subtraction, which round identically) so that the vector kernel and its scalar twin give
 * bit-identical results. Tile columns are independent, so a tile's result never depends on its lane.
 */
public interface WinogradTransformKernel {
    /** Tiles per call. */
    int lanes();

    /** Floats of per-thread scratch the two methods need. */
    default int scratchFloats(WinogradMatrices w) {
        return 2 * w.alpha() * w.alpha() * lanes();
    }

    /**
     * Bᵀ d B for {@code channels} channels of {@link #lanes()} input tiles: lane l of channel c reads its
     * alpha x alpha tile d[y][x] at {@code src[srcOff + c*channelStride + base[baseOff + l] + y*rowStride + x]}
     * (all in bounds) and writes transformed value xi = i*alpha + j to
     * {@code dst[dstOff + xi*dstXiStride + c*dstChannelStride + l]}.
     */
    void input(WinogradMatrices w, float[] src, int srcOff, int channelStride, int rowStride, int[] base,
               int baseOff, int channels, float[] dst, int dstOff, int dstXiStride, int dstChannelStride,
               float[] scratch);

    /**
     * Aᵀ M A for {@link #lanes()} tiles: lane l's value xi is at {@code src[srcOff + xi*xiStride + l]}; output
     * (i, j) of the m x m tile goes to {@code y[(i*m + j)*lanes() + l]}.
     */
    void output(WinogradMatrices w, float[] src, int srcOff, int xiStride, float[] y, float[] scratch);

    /**
     * Stores complete m x m output tiles of all lanes from {@link #output}'s {@code y}: lane l's (i, j) becomes
     * {@code out[outOff + laneBase[laneBaseOff + l] + i*rowStride + j] = act.apply(y + b)} with
     * {@code b = bias[biasOff + l*biasStride]} (0 when bias is null): stride 0 when the lanes are tiles of one output
     * channel, 1 when they are channels of one tile. May overwrite {@code y}.
     */
    void store(WinogradMatrices w, float[] y, float[] bias, int biasOff, int biasStride, Activation act, float[] out,
               int outOff, int rowStride, int[] laneBase, int laneBaseOff);

    /**
     * As {@link #store}, for tiles cut by the map's edge and lanes past the last channel: lane l writes only the
     * first {@code valid[validOff + l] >> 4} rows and {@code valid[validOff + l] & 15} columns of its tile (0: none),
     * with the same float operations per value as {@link #store}. When {@code bias} is not null it must hold a value
     * for every lane, valid or not. May overwrite {@code y}.
     */
    void storeValid(WinogradMatrices w, float[] y, float[] bias, int biasOff, int biasStride, Activation act,
                    float[] out, int outOff, int rowStride, int[] laneBase, int laneBaseOff, int[] valid, int validOff);
}
