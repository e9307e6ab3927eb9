package org.caffe4j.kernels.dense;

import java.util.Arrays;
import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.gemm.GemvMicroKernel;
import org.caffe4j.kernels.gemm.PackedGemv;
import org.caffe4j.kernels.gemm.PackedSgemm;
import org.caffe4j.kernels.gemm.PackedWeights;
import org.caffe4j.kernels.gemm.PanelSource;
import org.caffe4j.kernels.gemm.RowBlockGemv;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * Caffe's InnerProduct, out (M x N) = act(in (M x K) · Wᵀ + bias), on weights packed once ({@link PackedWeights},
 * W as N rows of K; a {@code transpose: true} K x N blob is repacked at construction). Bias and the fused ReLU are
 * applied as outputs leave the registers.
 *
 * <p>Two paths, chosen by the number of input rows M (the batch): up to {@link #GEMV_MAX_ROWS} rows run as a GEMV,
 * which streams each weight once at memory speed and writes the M x N output directly (one row on row blocks,
 * {@link RowBlockGemv}, skipping the weights that meet a zero input, where the GEMV kernel prefers them and the
 * layer has outputs enough to fill the blocks; otherwise on panels, {@link PackedGemv}); more
 * rows run as the SGEMM outᵀ (N x M) = W · inᵀ ({@link PackedSgemm}, the input transposed tile by tile as it is
 * packed), followed by a transpose into Caffe's M x N layout. All sum each output in the same order (one running
 * sum per K slice, the same slices; a skipped zero adds nothing), so a row gives the same bits in a batch of any size
 * and on any thread count (but for the sign of a zero, see {@link RowBlockGemv}).
 */
public final class InnerProductPackedGemm {
    /**
     * Largest batch run as a GEMV. Below it the SGEMM's 8 x 16 half tile is mostly padding; the GEMV does M
     * multiply-adds per loaded weight with 8-float vectors. jmh's InnerProductBenchmark (9216 -> 4096) measures them.
     */
    public static final int GEMV_MAX_ROWS = 8;

    /** Per-thread buffer for the SGEMM path's N x M result before it is transposed. */
    private static final ThreadLocal<float[]> TRANSPOSED = ThreadLocal.withInitial(() -> new float[0]);

    private final PackedWeights weights;
    private final int numOutput;
    private final int depth;
    private final Activation activation;
    private final int gemvMaxRows;
    private final SgemmMicroKernel sgemmKernel;
    private final GemvMicroKernel gemvKernel;
    /** Whether one input row runs on row blocks ({@link RowBlockGemv}) rather than panels. */
    private final boolean singleRowOnBlocks;

    /**
     * @param weights      N x K values, or K x N when {@code transpose} (Caffe's inner_product_param.transpose)
     * @param bias         N values or null
     * @param expectedRows the batch the first plan runs: the weights are packed for its path (row blocks for one row,
     *                     if the GEMV kernel prefers them, else panels); the other layout is built when a batch
     *                     first needs it
     * @param sgemmKernel  the SGEMM register tile and {@code gemvKernel} the GEMV one: the Vector API's or their
     *                     scalar twins (bit-identical)
     */
    public InnerProductPackedGemm(float[] weights, float[] bias, int numOutput, int depth, boolean transpose,
                                  Activation activation, int expectedRows, SgemmMicroKernel sgemmKernel,
                                  GemvMicroKernel gemvKernel) {
        this(weights, bias, numOutput, depth, transpose, activation, expectedRows, GEMV_MAX_ROWS, sgemmKernel,
                gemvKernel);
    }

    /** With an explicit GEMV/SGEMM threshold: for tests (to cover both paths) and benchmarks. */
    public InnerProductPackedGemm(float[] weights, float[] bias, int numOutput, int depth, boolean transpose,
                                  Activation activation, int expectedRows, int gemvMaxRows,
                                  SgemmMicroKernel sgemmKernel, GemvMicroKernel gemvKernel) {
        if (numOutput <= 0 || depth <= 0) {
            throw new IllegalArgumentException("numOutput and depth must be positive: " + numOutput + ", " + depth);
        }
        if (weights.length != (long) numOutput * depth) {
            throw new IllegalArgumentException("weights have " + weights.length + " values; expected "
                    + (long) numOutput * depth + " (" + numOutput + "x" + depth + ")");
        }
        this.singleRowOnBlocks = gemvMaxRows >= 1 && gemvKernel.prefersRowBlocks() && RowBlockGemv.suits(numOutput);
        if (expectedRows == 1 && singleRowOnBlocks) {
            this.weights = PackedWeights.packRowBlocks(weights, 0, numOutput, depth, transpose, bias);
        } else {
            this.weights = transpose
                    ? PackedWeights.packTransposed(weights, 0, numOutput, depth, bias)
                    : PackedWeights.pack(weights, 0, 1, numOutput, depth, bias);
        }
        this.numOutput = numOutput;
        this.depth = depth;
        this.activation = activation;
        this.gemvMaxRows = gemvMaxRows;
        this.sgemmKernel = sgemmKernel;
        this.gemvKernel = gemvKernel;
    }

    /** The weights this kernel was built from (N x K, or K x N when transposed), rebuilt exactly from its copy. */
    public float[] unpackWeights() {
        return weights.unpack();
    }

    /**
     * Bytes of packed weights this kernel holds: one layout, padding included, which is what a call reads (zero inputs
     * aside); both after batches have needed both (see {@link PackedWeights#rowBlocks}).
     */
    public long weightBytes() {
        return weights.heldBytes();
    }

    /** out[outOff + m*N + n] for the {@code rows} input rows {@code in[inOff + m*K + k]}. */
    public void forward(float[] in, int inOff, int rows, float[] out, int outOff, Parallel par) {
        if (rows == 1 && singleRowOnBlocks) {
            RowBlockGemv.multiply(weights, in, inOff, out, outOff, activation, par, gemvKernel);
            return;
        }
        if (rows <= gemvMaxRows) {
            PackedGemv.multiply(weights, in, inOff, rows, out, outOff, activation, par, gemvKernel);
            return;
        }
        if (inOff < 0 || inOff + (long) rows * depth > in.length) {
            throw new IllegalArgumentException("input array too short for " + rows + " rows of " + depth);
        }
        if (outOff < 0 || outOff + (long) rows * numOutput > out.length) {
            throw new IllegalArgumentException("output array too short for " + rows + " rows of " + numOutput);
        }
        int size = Math.multiplyExact(rows, numOutput);
        float[] transposed = TRANSPOSED.get();
        if (transposed.length < size) {
            transposed = new float[size];
            TRANSPOSED.set(transposed);
        }
        PackedSgemm.multiply(weights, new InputColumns(in, inOff, depth), rows, transposed, 0, activation, par,
                sgemmKernel);
        for (int m = 0; m < rows; m++) {
            int to = outOff + m * numOutput;
            for (int n = 0; n < numOutput; n++) {
                out[to + n] = transposed[n * rows + m];
            }
        }
    }

    /** The SGEMM's B operand inᵀ (K x M): column j is input row j, so a tile is gathered row by row. */
    private record InputColumns(float[] in, int inOff, int depth) implements PanelSource {
        @Override
        public void pack(int group, int k0, int kc, int j0, int valid, int width, float[] dst, int dstOff) {
            for (int jj = 0; jj < valid; jj++) {
                int from = inOff + (j0 + jj) * depth + k0;
                for (int kk = 0; kk < kc; kk++) {
                    dst[dstOff + kk * width + jj] = in[from + kk];
                }
            }
            if (valid < width) {
                for (int kk = 0; kk < kc; kk++) {
                    Arrays.fill(dst, dstOff + kk * width + valid, dstOff + kk * width + width, 0f);
                }
            }
        }
    }
}
