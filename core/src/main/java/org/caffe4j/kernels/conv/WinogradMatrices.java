package org.caffe4j.kernels.conv;

import java.util.Arrays;

/**
 * The transforms of Winograd's minimal filtering algorithm F(m x m, r x r): an output tile of m x m is
 * {@code Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A} for an input tile d of alpha x alpha, alpha = m + r - 1, and a filter g of
 * r x r, with alpha² multiplications instead of m²r². Built by the Cook–Toom construction from the interpolation
 * points 0, 1, -1, 2, -2, 1/2, -1/2 (as many as needed) and the point at infinity: G and Aᵀ are Vandermonde
 * matrices of the points, Bᵀ is the transposed inverse of the alpha x alpha one. Row j of G is divided, and row j
 * of Bᵀ multiplied, by prod(p_j - p_l) over the other finite points, so that Bᵀ and Aᵀ hold small integers applied
 * to the activations at run time and the fractions sit in G, which is applied once to the weights in double.
 * These are the points and scaling of Lavin &amp; Gray's F(2,3) and F(4,3).
 */
public final class WinogradMatrices {
    private static final double[] POINTS = {0, 1, -1, 2, -2, 0.5, -0.5};
    /** Bᵀ's entries are rounded to multiples of 1/INPUT_GRID (see {@link #onInputGrid}). */
    private static final double INPUT_GRID = 1 << 16;

    private final int m;
    private final int r;
    private final int alpha;
    /** Aᵀ, m x alpha, row-major. */
    private final float[] at;
    /** Bᵀ, alpha x alpha, row-major. */
    private final float[] bt;
    /** G, alpha x r, row-major, in double for the weight transform. */
    private final double[] g;
    /** Per row of Bᵀ and of Aᵀ: the columns holding a non-zero, and those values (transforms skip the zeros). */
    private final int[][] inputColumns;
    private final float[][] inputValues;
    private final int[][] outputColumns;
    private final float[][] outputValues;

    private WinogradMatrices(int m, int r, float[] at, float[] bt, double[] g) {
        this.m = m;
        this.r = r;
        this.alpha = m + r - 1;
        this.at = at;
        this.bt = bt;
        this.g = g;
        this.inputColumns = new int[alpha][];
        this.inputValues = new float[alpha][];
        sparseRows(bt, alpha, alpha, inputColumns, inputValues);
        this.outputColumns = new int[m][];
        this.outputValues = new float[m][];
        sparseRows(at, m, alpha, outputColumns, outputValues);
    }

    private static void sparseRows(float[] matrix, int rows, int cols, int[][] columns, float[][] values) {
        for (int i = 0; i < rows; i++) {
            int count = 0;
            for (int k = 0; k < cols; k++) {
                count += matrix[i * cols + k] != 0 ? 1 : 0;
            }
            columns[i] = new int[count];
            values[i] = new float[count];
            for (int k = 0, q = 0; k < cols; k++) {
                if (matrix[i * cols + k] != 0) {
                    columns[i][q] = k;
                    values[i][q++] = matrix[i * cols + k];
                }
            }
        }
    }

    /** F(m x m, r x r); alpha = m + r - 1 may be at most 8 (beyond that the points lose too much precision). */
    public static WinogradMatrices of(int m, int r) {
        int alpha = m + r - 1;
        if (m < 1 || r < 2 || alpha > POINTS.length + 1) {
            throw new IllegalArgumentException("no Winograd transform F(" + m + ", " + r + ") here");
        }
        int n = alpha - 1; // finite points
        double[] f = new double[n];
        for (int j = 0; j < n; j++) {
            f[j] = 1;
            for (int l = 0; l < n; l++) {
                if (l != j) {
                    f[j] *= POINTS[j] - POINTS[l];
                }
            }
            f[j] = Math.abs(f[j]);
        }
        // V evaluates a polynomial of degree alpha-1 (coefficients) at the points; infinity gives the top one.
        double[][] v = new double[alpha][alpha];
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < alpha; k++) {
                v[j][k] = Math.pow(POINTS[j], k);
            }
        }
        v[n][alpha - 1] = 1;
        double[][] vInv = invert(v);
        float[] bt = new float[alpha * alpha];
        for (int i = 0; i < alpha; i++) {
            double scale = i < n ? f[i] : 1;
            for (int k = 0; k < alpha; k++) {
                bt[i * alpha + k] = (float) onInputGrid(vInv[k][i] * scale); // Bᵀ = V⁻ᵀ
            }
        }
        double[] g = new double[alpha * r];
        for (int j = 0; j < alpha; j++) {
            for (int k = 0; k < r; k++) {
                g[j * r + k] = j < n ? Math.pow(POINTS[j], k) / f[j] : (k == r - 1 ? 1 : 0);
            }
        }
        float[] at = new float[m * alpha];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < alpha; j++) {
                at[i * alpha + j] = (float) (j < n ? Math.pow(POINTS[j], i) : (i == m - 1 ? 1 : 0));
            }
        }
        return new WinogradMatrices(m, r, at, bt, g);
    }

    /**
     * Bᵀ's entries are multiples of 1/64 for these points, but the inversion leaves rounding noise in double: F(3,3)
     * had -1.7e-16 where its row 3 has a 0, which the transforms then applied as one more FMA per value. Rounding to
     * a grid of 2^-16 restores every entry exactly.
     */
    private static double onInputGrid(double x) {
        return Math.rint(x * INPUT_GRID) / INPUT_GRID + 0.0; // + 0.0: a zero is +0
    }

    /** Gauss–Jordan with partial pivoting; the matrices here are at most 8 x 8 and well conditioned enough. */
    private static double[][] invert(double[][] a) {
        int n = a.length;
        double[][] w = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, w[i], 0, n);
            w[i][n + i] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int row = col + 1; row < n; row++) {
                if (Math.abs(w[row][col]) > Math.abs(w[pivot][col])) {
                    pivot = row;
                }
            }
            double[] tmp = w[col];
            w[col] = w[pivot];
            w[pivot] = tmp;
            double p = w[col][col];
            for (int k = 0; k < 2 * n; k++) {
                w[col][k] /= p;
            }
            for (int row = 0; row < n; row++) {
                if (row != col && w[row][col] != 0) {
                    double factor = w[row][col];
                    for (int k = 0; k < 2 * n; k++) {
                        w[row][k] -= factor * w[col][k];
                    }
                }
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) {
            inv[i] = Arrays.copyOfRange(w[i], n, 2 * n);
        }
        return inv;
    }

    /** Output tile size. */
    public int m() {
        return m;
    }

    /** Filter size. */
    public int r() {
        return r;
    }

    /** Input tile size m + r - 1; the transformed tile has alpha² values. */
    public int alpha() {
        return alpha;
    }

    /** Aᵀ (m x alpha, row-major); do not modify. */
    public float[] outputMatrix() {
        return at;
    }

    /** Columns of the non-zeros in row i of Bᵀ, ascending; do not modify. */
    public int[] inputColumns(int i) {
        return inputColumns[i];
    }

    /** The non-zeros of row i of Bᵀ, matching {@link #inputColumns}; do not modify. */
    public float[] inputValues(int i) {
        return inputValues[i];
    }

    /** Columns of the non-zeros in row i of Aᵀ, ascending; do not modify. */
    public int[] outputColumns(int i) {
        return outputColumns[i];
    }

    /** The non-zeros of row i of Aᵀ, matching {@link #outputColumns}; do not modify. */
    public float[] outputValues(int i) {
        return outputValues[i];
    }

    /** Bᵀ (alpha x alpha, row-major); do not modify. */
    public float[] inputMatrix() {
        return bt;
    }

    /**
     * G g Gᵀ of one r x r filter {@code filter[off + ky*r + kx]}, computed in double and rounded once, written to
     * {@code dst[dstOff + xi*dstStride]} for xi = 0 .. alpha²-1.
     */
    public void transformFilter(float[] filter, int off, float[] dst, int dstOff, int dstStride) {
        double[] tmp = new double[alpha * r];
        for (int i = 0; i < alpha; i++) {
            for (int kx = 0; kx < r; kx++) {
                double s = 0;
                for (int ky = 0; ky < r; ky++) {
                    s += g[i * r + ky] * filter[off + ky * r + kx];
                }
                tmp[i * r + kx] = s;
            }
        }
        for (int i = 0; i < alpha; i++) {
            for (int j = 0; j < alpha; j++) {
                double s = 0;
                for (int kx = 0; kx < r; kx++) {
                    s += tmp[i * r + kx] * g[j * r + kx];
                }
                dst[dstOff + (i * alpha + j) * dstStride] = (float) s;
            }
        }
    }
}
