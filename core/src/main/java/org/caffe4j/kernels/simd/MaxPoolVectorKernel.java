package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.CpuProfile;
import org.caffe4j.kernels.pool.MaxPoolKernel;
import org.caffe4j.kernels.pool.Pool2dDirect;

/**
 * Vector API MAX pooling, separable like {@link org.caffe4j.kernels.pool.Pool2dDirect#max}: for each output row a
 * vertical pass takes the column maxima of the window's rows, then a horizontal pass takes each window's maximum
 * over those columns, a vector of outputs at a time (stride-2 windows read two vectors and keep their even lanes,
 * through one two-vector permute, or where that compiles slowly two one-vector permutes and a blend; other strides
 * one gather per kernel column). Three shapes skip the buffer of column maxima: 2x2 windows at stride 2 without
 * clipping ({@link #twoByTwo}), windows up to 3x3 at stride 2 on rows of at least 2 LANES + 2 or of fewer outputs
 * than a vector, where the two-vector permute compiles well ({@link #strideTwoFromRows}), and 3x3 windows at stride 1
 * with padding 1 over the flat plane ({@link #sameThreeByThree}).
 *
 * <p>Caffe's semantics without special cases: every max is "take v if v > m" (compare + blend), starting from
 * -FLT_MAX, exactly the reference's rule, so a NaN or -inf never wins and no plane has to be redone. A row's column
 * maxima sit in a buffer with pw cells of -FLT_MAX on the left and enough on the right for a whole vector, so
 * windows clipped at either edge need no clipping code: padding cells can never be taken. Results equal
 * {@link org.caffe4j.kernels.pool.Pool2dReference#max} (a zero maximum may differ in sign, as with the scalar kernel).
 *
 * <p>Loaded only through {@link Simd}. Scratch: one buffer of column maxima for a batch of output rows (at most
 * {@link #BATCH_FLOATS}, computed before any of their windows), one vector of output, one gather index map, and
 * the stride-2 path's vector starts and edge lane masks, and the flat path's row-neighbour masks, per thread.
 */
final class MaxPoolVectorKernel implements MaxPoolKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    private static final float LOWEST = -Float.MAX_VALUE;
    /**
     * Whether stride-2 windows take their even lanes ({@link EvenOddSplitVector#evenLanes}: permutes per vector pair
     * instead of a gather, which was half of a 3x3 stride-2 pool's time on AVX2, JFR) with one two-vector permute
     * ({@link CpuProfile#permuteStrideTwo()}), else with two one-vector permutes and a blend. JDK 17 compiles the
     * two-vector rearrange to something slower; the split form took NIN's three pool shapes 1.2-1.9x less time there
     * than keeping the even windows by scalar moves (the way before; one thread, AVX-512 and AVX2), and on JDK 25 it
     * is as fast as the two-vector permute.
     */
    static final boolean PERMUTE_STRIDE_TWO = CpuProfile.thisJvm(S.vectorBitSize()).permuteStrideTwo();

    /** The path this instance takes for stride 2 (tests build both, so each is checked on any JDK). */
    private final boolean permuteStrideTwo;

    MaxPoolVectorKernel() {
        this(PERMUTE_STRIDE_TWO);
    }

    MaxPoolVectorKernel(boolean permuteStrideTwo) {
        this.permuteStrideTwo = permuteStrideTwo;
    }

    /** Per thread: [0] padded column maxima, [1] one vector's worth of output for a short last block. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][]{
            new float[0], new float[LANES]});
    /** Per thread: which lanes of the stride-2 path's edge vectors lie inside the row (4 vectors a side). */
    private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[8 * LANES]);
    /** Per thread: where the stride-2 path's vectors of a row start (at most one per LANES outputs, plus two). */
    private static final ThreadLocal<int[]> STARTS = ThreadLocal.withInitial(() -> new int[0]);
    /** Per thread: for each cell of a plane, whether it has a left and a right neighbour in its row. */
    private static final ThreadLocal<RowSides> SIDES = ThreadLocal.withInitial(RowSides::new);

    /**
     * Which cells of an h x w plane, read as one flat run, have a left and a right neighbour in their row; rebuilt
     * only when a call's plane differs from the last one's, since a layer calls once per task with the same shape.
     */
    private static final class RowSides {
        boolean[] hasLeft = new boolean[0];
        boolean[] hasRight = new boolean[0];
        int width = -1;
        int cells = -1;

        RowSides of(int w, int n) {
            if (w != width || n != cells) {
                if (hasLeft.length < n) {
                    hasLeft = new boolean[n];
                    hasRight = new boolean[n];
                }
                for (int j = 0, col = 0; j < n; j++, col = col == w - 1 ? 0 : col + 1) {
                    hasLeft[j] = col != 0;
                    hasRight[j] = col != w - 1;
                }
                width = w;
                cells = n;
            }
            return this;
        }
    }
    /** LANES trues, then LANES falses: from offset LANES - n, the mask of a vector's first n lanes. */
    private static final boolean[] FIRST_LANES = new boolean[2 * LANES];

    static {
        java.util.Arrays.fill(FIRST_LANES, 0, LANES, true);
    }

    /** Per thread: gather offsets 0, sw, 2sw, ... for the stride of the current call. */
    private static final ThreadLocal<int[]> INDEX = ThreadLocal.withInitial(() -> new int[LANES]);

    @Override
    public void max(float[] in, int inOff, float[] out, int outOff, int planes, int h, int w, int oh, int ow,
                    int kh, int kw, int sh, int sw, int ph, int pw) {
        if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && 2 * oh <= h && 2 * ow <= w
                && ow >= LANES) {
            twoByTwo(in, inOff, out, outOff, planes, h, w, oh, ow);
            return;
        }
        if (kh == 3 && kw == 3 && sh == 1 && sw == 1 && ph == 1 && pw == 1 && oh == h && ow == w && h >= 3
                && (long) h * w >= LANES + w && (h - 2) * w >= LANES) {
            sameThreeByThree(in, inOff, out, outOff, planes, h, w);
            return;
        }
        if (permuteStrideTwo && sw == 2 && (kw == 2 || kw == 3) && kh <= 3 && (ow < LANES
                || strideTwoCoverEnd(w, ow, pw) - LANES >= strideTwoFirst(pw))) {
            strideTwoFromRows(in, inOff, out, outOff, planes, h, w, oh, ow, kh, kw, sh, ph, pw);
            return;
        }
        float[][] scratch = SCRATCH.get();
        // Column x of the input is at pw + x; output block [ox, ox + LANES) reads up to (ox+LANES-1)*sw + kw - 1,
        // or with the stride-2 permute ox*2 + kw - 2 + 2*LANES, which the trailing LANES cells also cover.
        int blocks = (ow + LANES - 1) / LANES;
        long span = Math.max(pw + w, ((long) blocks * LANES - 1) * sw + kw) + LANES;
        if (span > 2L * (pw + w + kw) + 4L * LANES) {
            // A stride much wider than the windows (a few outputs far apart): the gather would need a scratch row
            // of LANES strides, gigabytes for a stride near 2^31. The scalar twin needs only the row.
            Pool2dDirect.max(in, inOff, out, outOff, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
            return;
        }
        int needed = (int) span;
        // The column maxima of a batch of rows are all computed before any row's windows are read: a window load
        // straddles two of the vector stores just made, which the core cannot forward, so reading each row right
        // after writing it waited for its stores (NIN's pools 1.4-1.7x slower alone, JDK 25).
        int batchRows = Math.max(1, Math.min(oh, BATCH_FLOATS / needed));
        float[] columns = scratch[0];
        if (columns.length < needed * batchRows) {
            columns = new float[needed * batchRows];
            scratch[0] = columns;
        }
        java.util.Arrays.fill(columns, 0, needed * batchRows, LOWEST);
        float[] lastBlock = scratch[1];
        int[] index = INDEX.get();
        for (int i = 0; i < LANES; i++) {
            index[i] = i * sw;
        }
        // A row's last, partial block may be stored whole when the lanes past the row stay inside this call's
        // output: they land on later rows, which are written after it (one store instead of a copy per row).
        int outEnd = outOff + planes * oh * ow;
        for (int c = 0; c < planes; c++) {
            int ip = inOff + c * h * w;
            int op = outOff + c * oh * ow;
            for (int oy0 = 0; oy0 < oh; oy0 += batchRows) {
                int oy1 = Math.min(oh, oy0 + batchRows);
                for (int oy = oy0; oy < oy1; oy++) {
                    int y0 = oy * sh - ph;
                    int ys = Math.max(y0, 0);
                    int ye = Math.min(y0 + kh, h);
                    int row = (oy - oy0) * needed;
                    if (w < LANES && ip + (ye - 1) * w + LANES <= in.length) {
                        narrowVerticalPass(in, ip, w, ys, ye, columns, row + pw);
                    } else if (w >= LANES && (ye - ys == 2 || ye - ys == 3)) {
                        threeRowPass(in, ip + ys * w, w, ye - ys, columns, row + pw);
                    } else {
                        verticalPass(in, ip, w, ys, ye, columns, row + pw);
                    }
                }
                boolean short3 = (kw == 2 || kw == 3) && (sw == 1 || sw == 2);
                for (int oy = oy0; oy < oy1; oy++) {
                    if (short3) {
                        threeColumnPass(columns, (oy - oy0) * needed, kw, sw, permuteStrideTwo, ow, out,
                                op + oy * ow, outEnd, lastBlock);
                    } else {
                        horizontalPass(columns, (oy - oy0) * needed, kw, sw, permuteStrideTwo, ow, index, out,
                                op + oy * ow, outEnd, lastBlock);
                    }
                }
            }
        }
    }

    /**
     * 2x2 windows at stride 2 that need no clipping (VGG16's pools on maps of 16 or more outputs a row): each vector of
     * outputs straight from the two input rows' vectors, the rows' maxima then the even and odd lanes' (4 loads, 2
     * permutes and a store per vector of outputs, no column buffer; the general path takes 12 loads, 6 permutes and
     * 3 stores; bench/HISTORY.md, session 32). A row's last vector ends at ow, overlapping the one before (recomputed
     * to the same values). Same rule as the general path: a value is taken if greater.
     */
    private void twoByTwo(float[] in, int inOff, float[] out, int outOff, int planes, int h, int w, int oh, int ow) {
        FloatVector lowest = FloatVector.broadcast(S, LOWEST);
        for (int c = 0; c < planes; c++) {
            for (int oy = 0; oy < oh; oy++) {
                int r0 = inOff + c * h * w + 2 * oy * w;
                int r1 = r0 + w;
                int row = outOff + (c * oh + oy) * ow;
                for (int ox = 0; ox < ow; ox += LANES) {
                    int at = Math.min(ox, ow - LANES);
                    int x = 2 * at;
                    FloatVector a0 = FloatVector.fromArray(S, in, r0 + x);
                    FloatVector a1 = FloatVector.fromArray(S, in, r0 + x + LANES);
                    FloatVector b0 = FloatVector.fromArray(S, in, r1 + x);
                    FloatVector b1 = FloatVector.fromArray(S, in, r1 + x + LANES);
                    FloatVector m0 = lowest.blend(a0, a0.compare(VectorOperators.GT, lowest));
                    m0 = m0.blend(b0, b0.compare(VectorOperators.GT, m0));
                    FloatVector m1 = lowest.blend(a1, a1.compare(VectorOperators.GT, lowest));
                    m1 = m1.blend(b1, b1.compare(VectorOperators.GT, m1));
                    FloatVector even = EvenOddSplitVector.evenLanes(m0, m1, permuteStrideTwo);
                    FloatVector odd = EvenOddSplitVector.oddLanes(m0, m1, permuteStrideTwo);
                    even.blend(odd, odd.compare(VectorOperators.GT, even)).intoArray(out, row + at);
                }
            }
        }
    }

    /**
     * 3x3 windows at stride 1 with padding 1, output the size of the input (GoogLeNet's inception pools on 28², 14² and
     * 7² maps), over each plane as one flat run of h * w floats, so rows narrower than a vector cost nothing extra.
     * First the column maxima of every row's window rows into a scratch plane: the rows above and below at flat
     * offsets -w and +w, which for rows 1 to h - 2 is one uniform pass over the flat run; rows 0 and h - 1 (two
     * window rows) go first, so that the lanes their vectors spill into other rows are overwritten by the uniform
     * pass. Then each output is the maximum of its column maxima at flat offsets -1, 0 and +1, where the left one
     * counts only off column 0 and the right one only off column w - 1 (lane masks loaded from per-call arrays).
     */
    private static void sameThreeByThree(float[] in, int inOff, float[] out, int outOff, int planes, int h, int w) {
        int n = h * w;
        float[][] scratch = SCRATCH.get();
        // The column maxima at [LANES, LANES + n), one -FLT_MAX cell on either side read by the masked-off lanes.
        if (scratch[0].length < n + 2 * LANES) {
            scratch[0] = new float[n + 2 * LANES];
        }
        float[] columns = scratch[0];
        columns[LANES - 1] = LOWEST;
        columns[LANES + n] = LOWEST;
        RowSides sides = SIDES.get().of(w, n);
        boolean[] hasLeft = sides.hasLeft;
        boolean[] hasRight = sides.hasRight;
        for (int c = 0; c < planes; c++) {
            int ip = inOff + c * n;
            // Row 0: rows 0 and 1 (a vector may run into later rows; the uniform pass below rewrites them).
            for (int j = 0; j < w; j += LANES) {
                FloatVector a = FloatVector.fromArray(S, in, ip + j);
                FloatVector b = FloatVector.fromArray(S, in, ip + j + w);
                FloatVector lowest = FloatVector.broadcast(S, LOWEST);
                FloatVector m = lowest.blend(a, a.compare(VectorOperators.GT, lowest));
                m.blend(b, b.compare(VectorOperators.GT, m)).intoArray(columns, LANES + j);
            }
            // Row h - 1: rows h - 2 and h - 1, vectors ending at n (the first may start in earlier rows).
            for (int end = n; end > n - w; end -= LANES) {
                int j = end - LANES;
                FloatVector a = FloatVector.fromArray(S, in, ip + j - w);
                FloatVector b = FloatVector.fromArray(S, in, ip + j);
                FloatVector lowest = FloatVector.broadcast(S, LOWEST);
                FloatVector m = lowest.blend(a, a.compare(VectorOperators.GT, lowest));
                m.blend(b, b.compare(VectorOperators.GT, m)).intoArray(columns, LANES + j);
            }
            // Rows 1 to h - 2: three rows each, the last vector ending at n - w.
            for (int j0 = w; j0 < n - w; j0 += LANES) {
                int j = Math.min(j0, n - w - LANES);
                FloatVector a = FloatVector.fromArray(S, in, ip + j - w);
                FloatVector b = FloatVector.fromArray(S, in, ip + j);
                FloatVector d = FloatVector.fromArray(S, in, ip + j + w);
                FloatVector lowest = FloatVector.broadcast(S, LOWEST);
                FloatVector m = lowest.blend(a, a.compare(VectorOperators.GT, lowest));
                m = m.blend(b, b.compare(VectorOperators.GT, m));
                m.blend(d, d.compare(VectorOperators.GT, m)).intoArray(columns, LANES + j);
            }
            int op = outOff + c * n;
            for (int j0 = 0; j0 < n; j0 += LANES) {
                int j = Math.min(j0, n - LANES);
                FloatVector m = FloatVector.fromArray(S, columns, LANES + j);
                FloatVector left = FloatVector.fromArray(S, columns, LANES + j - 1);
                FloatVector right = FloatVector.fromArray(S, columns, LANES + j + 1);
                m = m.blend(left, left.compare(VectorOperators.GT, m).and(VectorMask.fromArray(S, hasLeft, j)));
                m = m.blend(right, right.compare(VectorOperators.GT, m).and(VectorMask.fromArray(S, hasRight, j)));
                m.intoArray(out, op + j);
            }
        }
    }

    /** The first output of a row whose window starts inside the row (the ones before it read left padding). */
    static int strideTwoFirst(int pw) {
        return (pw + 1) / 2;
    }

    /**
     * The end of the outputs {@link #strideTwoFromRows} computes as whole vectors: a vector of outputs from {@code at}
     * reads columns 2 at - pw to 2 at - pw + 2 LANES + 1, which must lie inside the row.
     */
    static int strideTwoCoverEnd(int w, int ow, int pw) {
        int lastStart = Math.floorDiv(w - 2 * LANES - 2 + pw, 2);
        return Math.min(ow, lastStart + LANES);
    }

    /**
     * Windows 2 or 3 wide at stride 2 and at most 3 high (the 3x3 stride-2 pools of NIN, SqueezeNet, AlexNet,
     * GoogLeNet and ResNet-50) on rows of at least 2 LANES + 2, or of fewer outputs than a vector (NIN's pool2 and
     * pool3, GoogLeNet's pool3 and pool4 with AVX-512; bench/HISTORY.md, session 38): each vector of outputs straight
     * from the input rows, without the buffer of column maxima. Its window rows' maxima at the vector's first column
     * and two columns on (a vector pair each), then the even lanes of the first pair, its odd lanes, and the even
     * lanes of the second (the windows' third columns): 12 loads, 3 permutes and one store per vector of outputs,
     * where the buffer path stores two vectors of column maxima and reads them back (slower on NIN's pool0 and
     * SqueezeNet's pool1 shapes, one thread, JDK 25; bench/HISTORY.md, session 37). The outputs whose windows are
     * clipped at a row's ends or read its padding come from a vector at that end whose columns outside the row count
     * as -FLT_MAX (never taken). Only where the two-vector permute compiles to permutes (JDK 25 on; on JDK 17 C2
     * boxed this path's vectors). Its vectors never cross a call C2 might not inline (rowsMax is small and hot): a
     * vector passed to or returned from one is boxed, and the edge code, run twice a row, was not inlined.
     */
    private void strideTwoFromRows(float[] in, int inOff, float[] out, int outOff, int planes, int h, int w, int oh,
                                   int ow, int kh, int kw, int sh, int ph, int pw) {
        int first = strideTwoFirst(pw);
        int coverEnd = strideTwoCoverEnd(w, ow, pw);
        // A row's vectors, the same for every row: one from output 0 if windows read left padding, one ending at ow
        // if windows near the end are clipped, and in between vectors from first (or LANES) on that read inside the
        // row, none starting past coverEnd - LANES (the last may overlap the one before, recomputed to the same
        // values). NIN's 27 outputs a row take two vectors.
        int[] starts = STARTS.get();
        if (starts.length < ow / LANES + 3) {
            starts = new int[ow / LANES + 3];
            STARTS.set(starts);
        }
        // Rows of fewer outputs than a vector (NIN's 13 and 6, GoogLeNet's 14 and 7 with AVX-512) take one vector
        // from output 0, an edge vector at both ends: the left end's masks also mask off the columns past the row.
        boolean narrow = ow < LANES;
        int from = first > 0 || narrow ? LANES : 0;
        int to = coverEnd < ow ? ow - LANES : ow;
        int blocks = 0;
        if (first > 0 || narrow) {
            starts[blocks++] = 0;
        }
        for (int ox = from; ox < to; ox += LANES) {
            starts[blocks++] = Math.min(ox, coverEnd - LANES);
        }
        int interiorEnd = blocks;
        if (coverEnd < ow && !narrow) {
            starts[blocks++] = ow - LANES;
        }
        // Which lanes of an edge vector's four column vectors (from x = 2 at - pw: x, x + LANES, x + 2,
        // x + 2 + LANES) lie inside the row.
        boolean[] inside = INSIDE.get();
        for (int side = 0; side < 2; side++) {
            int x = 2 * (side == 0 ? 0 : ow - LANES) - pw;
            for (int v = 0; v < 4; v++) {
                int col = x + (v % 2) * LANES + (v / 2) * 2;
                for (int l = 0; l < LANES; l++) {
                    inside[(side * 4 + v) * LANES + l] = col + l >= 0 && col + l < w;
                }
            }
        }
        int firstInterior = first > 0 || narrow ? 1 : 0;
        // A narrow row's vector is stored whole where the lanes past the row land on later rows of this call (which
        // overwrite them), else only its first ow lanes.
        int outEnd = outOff + planes * oh * ow;
        FloatVector lowest = FloatVector.broadcast(S, LOWEST);
        for (int c = 0; c < planes; c++) {
            int ip = inOff + c * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * sh - ph;
                int ys = Math.max(y0, 0);
                int ye = Math.min(y0 + kh, h);
                int row = outOff + (c * oh + oy) * ow;
                if (ye <= ys) {
                    // Ceil mode without padding can leave a row of windows below the input (Caffe clips only when
                    // padded): empty windows, as in the reference.
                    java.util.Arrays.fill(out, row, row + ow, LOWEST);
                    continue;
                }
                int r0 = ip + ys * w;
                // A window of fewer rows takes its last row again, which changes nothing.
                int r1 = ye - ys >= 2 ? r0 + w : r0;
                int r2 = ye - ys == 3 ? r1 + w : r1;
                for (int block = 0; block < blocks; block++) {
                    int at = starts[block];
                    int x = 2 * at - pw;
                    boolean edge = block < firstInterior || block >= interiorEnd;
                    if (edge && (r0 + x < 0 || r2 + x + 2 * LANES + 2 > in.length)) {
                        edgeOneByOne(in, ip, w, ys, ye, at, Math.min(at + LANES, ow), pw, kw, out, row);
                        continue;
                    }
                    int mask = block < firstInterior ? 0 : 4 * LANES;
                    FloatVector a = rowsMax(in, r0 + x, r1 + x, r2 + x, lowest);
                    FloatVector b = rowsMax(in, r0 + x + LANES, r1 + x + LANES, r2 + x + LANES, lowest);
                    if (edge) {
                        a = lowest.blend(a, VectorMask.fromArray(S, inside, mask));
                        b = lowest.blend(b, VectorMask.fromArray(S, inside, mask + LANES));
                    }
                    FloatVector even = EvenOddSplitVector.evenLanes(a, b, true);
                    FloatVector odd = EvenOddSplitVector.oddLanes(a, b, true);
                    FloatVector m = even.blend(odd, odd.compare(VectorOperators.GT, even));
                    if (kw == 3) {
                        int x2 = x + 2;
                        FloatVector a2 = rowsMax(in, r0 + x2, r1 + x2, r2 + x2, lowest);
                        FloatVector b2 = rowsMax(in, r0 + x2 + LANES, r1 + x2 + LANES, r2 + x2 + LANES, lowest);
                        if (edge) {
                            a2 = lowest.blend(a2, VectorMask.fromArray(S, inside, mask + 2 * LANES));
                            b2 = lowest.blend(b2, VectorMask.fromArray(S, inside, mask + 3 * LANES));
                        }
                        FloatVector next = EvenOddSplitVector.evenLanes(a2, b2, true);
                        m = m.blend(next, next.compare(VectorOperators.GT, m));
                    }
                    if (narrow && row + LANES > outEnd) {
                        m.intoArray(out, row, VectorMask.fromArray(S, FIRST_LANES, LANES - ow));
                    } else {
                        m.intoArray(out, row + at);
                    }
                }
            }
        }
    }

    /** Outputs at to end - 1 of one row, one window at a time (where an edge vector would leave the array). */
    private static void edgeOneByOne(float[] in, int ip, int w, int ys, int ye, int at, int end, int pw, int kw,
                                     float[] out, int row) {
        for (int ox = at; ox < end; ox++) {
            out[row + ox] = clippedWindowMax(in, ip, w, ys, ye, 2 * ox - pw, kw);
        }
    }

    /** The lane-wise maximum of three rows' vectors (the reference's rule, from -FLT_MAX: a NaN is never taken). */
    private static FloatVector rowsMax(float[] in, int p0, int p1, int p2, FloatVector lowest) {
        FloatVector a = FloatVector.fromArray(S, in, p0);
        FloatVector b = FloatVector.fromArray(S, in, p1);
        FloatVector c = FloatVector.fromArray(S, in, p2);
        FloatVector m = lowest.blend(a, a.compare(VectorOperators.GT, lowest));
        m = m.blend(b, b.compare(VectorOperators.GT, m));
        return m.blend(c, c.compare(VectorOperators.GT, m));
    }

    /** One window's maximum over rows ys..ye-1 and columns x0..x0+kw-1 clipped to the row, by the reference's rule. */
    private static float clippedWindowMax(float[] in, int ip, int w, int ys, int ye, int x0, int kw) {
        int xs = Math.max(x0, 0);
        int xe = Math.min(x0 + kw, w);
        float m = LOWEST;
        for (int y = ys; y < ye; y++) {
            for (int x = xs; x < xe; x++) {
                float v = in[ip + y * w + x];
                if (v > m) {
                    m = v;
                }
            }
        }
        return m;
    }

    /** Most floats of column maxima computed ahead of their windows (32 KB, inside L1). */
    static final int BATCH_FLOATS = 8192;

    /**
     * {@link #verticalPass} for rows narrower than a vector (13x13 and 6x6 maps): one whole vector per row, whose
     * lanes past w read the next row and are then set back to -FLT_MAX, the padding value the horizontal pass
     * relies on. The caller checks that the last row's vector stays inside the array. The lane-by-lane loop it
     * replaces took most of a 13x13 -> 6x6 pool's time in mispredicted branches.
     */
    private static void narrowVerticalPass(float[] in, int ip, int w, int ys, int ye, float[] columns, int pw) {
        FloatVector lowest = FloatVector.broadcast(S, LOWEST);
        FloatVector m = lowest;
        for (int y = ys; y < ye; y++) {
            FloatVector v = FloatVector.fromArray(S, in, ip + y * w);
            m = m.blend(v, v.compare(VectorOperators.GT, m));
        }
        FloatVector lane = FloatVector.fromArray(S, LANE_INDEX, 0);
        lowest.blend(m, lane.compare(VectorOperators.LT, (float) w)).intoArray(columns, pw);
    }

    /** 0, 1, 2, ... : lane l holds l. */
    private static final float[] LANE_INDEX = new float[LANES];

    static {
        for (int l = 0; l < LANES; l++) {
            LANE_INDEX[l] = l;
        }
    }

    /**
     * {@link #verticalPass} for windows of 2 or 3 rows (every pool of the zoo nets) from row {@code r0} on, rows at w
     * >= LANES: straight-line code without the row loop (with {@link #threeColumnPass}, SqueezeNet's pool1, 64 x 113 x
     * 113 with 3x3 windows at stride 2, one thread: 165 against 208 us; VGG16's 2x2 pool1 on 224 x 224: 534 against
     * 1794). A 2-row window takes its second row twice, which changes nothing: the second
     * "take it if greater" finds the maximum already taken.
     */
    private static void threeRowPass(float[] in, int r0, int w, int rows, float[] columns, int pw) {
        int r1 = r0 + w;
        int r2 = rows == 3 ? r1 + w : r1;
        FloatVector lowest = FloatVector.broadcast(S, LOWEST);
        for (int x = 0; x < w; x += LANES) {
            // The last vector ends at w (it overlaps the one before, recomputing the same values).
            int at = Math.min(x, w - LANES);
            FloatVector a = FloatVector.fromArray(S, in, r0 + at);
            FloatVector b = FloatVector.fromArray(S, in, r1 + at);
            FloatVector c = FloatVector.fromArray(S, in, r2 + at);
            FloatVector m = lowest.blend(a, a.compare(VectorOperators.GT, lowest));
            m = m.blend(b, b.compare(VectorOperators.GT, m));
            m = m.blend(c, c.compare(VectorOperators.GT, m));
            m.intoArray(columns, pw + at);
        }
    }

    /** columns[pw + x] = max over rows ys..ye-1 of in[ip + y*w + x], for x in [0, w). */
    private static void verticalPass(float[] in, int ip, int w, int ys, int ye, float[] columns, int pw) {
        int x = 0;
        for (; x <= w - LANES; x += LANES) {
            FloatVector m = FloatVector.broadcast(S, LOWEST);
            for (int y = ys; y < ye; y++) {
                FloatVector v = FloatVector.fromArray(S, in, ip + y * w + x);
                m = m.blend(v, v.compare(VectorOperators.GT, m));
            }
            m.intoArray(columns, pw + x);
        }
        if (x < w && w >= LANES) {
            // The last columns as one vector ending at w; the overlap is recomputed to the same values.
            x = w - LANES;
            FloatVector m = FloatVector.broadcast(S, LOWEST);
            for (int y = ys; y < ye; y++) {
                FloatVector v = FloatVector.fromArray(S, in, ip + y * w + x);
                m = m.blend(v, v.compare(VectorOperators.GT, m));
            }
            m.intoArray(columns, pw + x);
            return;
        }
        for (; x < w; x++) {
            float m = LOWEST;
            for (int y = ys; y < ye; y++) {
                float v = in[ip + y * w + x];
                if (v > m) {
                    m = v;
                }
            }
            columns[pw + x] = m;
        }
    }

    /**
     * {@link #horizontalPass} for windows 2 or 3 columns wide at stride 1 or 2 (every pool of the zoo nets):
     * straight-line code without the column loop and the stride test in it. A 2-column window takes its second column
     * twice, which changes nothing.
     */
    private static void threeColumnPass(float[] columns, int row0, int kw, int sw, boolean twoVectorPermute, int ow,
                                        float[] out, int row, int outEnd, float[] lastBlock) {
        int second = 1;
        int third = kw == 3 ? 2 : 1;
        FloatVector lowest = FloatVector.broadcast(S, LOWEST);
        for (int ox = 0; ox < ow; ox += LANES) {
            int x0 = row0 + ox * sw;
            FloatVector a;
            FloatVector b;
            FloatVector c;
            if (sw == 1) {
                a = FloatVector.fromArray(S, columns, x0);
                b = FloatVector.fromArray(S, columns, x0 + second);
                c = FloatVector.fromArray(S, columns, x0 + third);
            } else {
                a = EvenOddSplitVector.evenLanes(FloatVector.fromArray(S, columns, x0),
                        FloatVector.fromArray(S, columns, x0 + LANES), twoVectorPermute);
                b = EvenOddSplitVector.evenLanes(FloatVector.fromArray(S, columns, x0 + second),
                        FloatVector.fromArray(S, columns, x0 + second + LANES), twoVectorPermute);
                c = EvenOddSplitVector.evenLanes(FloatVector.fromArray(S, columns, x0 + third),
                        FloatVector.fromArray(S, columns, x0 + third + LANES), twoVectorPermute);
            }
            FloatVector m = lowest.blend(a, a.compare(VectorOperators.GT, lowest));
            m = m.blend(b, b.compare(VectorOperators.GT, m));
            m = m.blend(c, c.compare(VectorOperators.GT, m));
            if (ox + LANES <= ow || row + ox + LANES <= outEnd) {
                m.intoArray(out, row + ox);
            } else {
                m.intoArray(lastBlock, 0);
                System.arraycopy(lastBlock, 0, out, row + ox, ow - ox);
            }
        }
    }

    /**
     * out[row + ox] = max over kx of columns[row0 + ox*sw + kx], for ox in [0, ow); the lanes of a last block past
     * ow may be written too where they end before outEnd.
     */
    private static void horizontalPass(float[] columns, int row0, int kw, int sw, boolean twoVectorPermute, int ow,
                                       int[] index, float[] out, int row, int outEnd, float[] lastBlock) {
        for (int ox = 0; ox < ow; ox += LANES) {
            FloatVector m = FloatVector.broadcast(S, LOWEST);
            int x0 = row0 + ox * sw;
            for (int kx = 0; kx < kw; kx++) {
                FloatVector v;
                if (sw == 1) {
                    v = FloatVector.fromArray(S, columns, x0 + kx);
                } else if (sw == 2) {
                    v = EvenOddSplitVector.evenLanes(FloatVector.fromArray(S, columns, x0 + kx),
                            FloatVector.fromArray(S, columns, x0 + kx + LANES), twoVectorPermute);
                } else {
                    v = FloatVector.fromArray(S, columns, x0 + kx, index, 0);
                }
                m = m.blend(v, v.compare(VectorOperators.GT, m));
            }
            if (ox + LANES <= ow || row + ox + LANES <= outEnd) {
                m.intoArray(out, row + ox);
            } else {
                // Near the end of the call's output: only the valid lanes are stored.
                m.intoArray(lastBlock, 0);
                System.arraycopy(lastBlock, 0, out, row + ox, ow - ox);
            }
        }
    }
}
