package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.layout.PhaseSplitPlane;
import org.caffe4j.kernels.pool.AveragePoolKernel;
import org.caffe4j.kernels.pool.Pool2dDirect;

/**
 * Vector API AVE pooling, bit-identical to {@link org.caffe4j.kernels.pool.Pool2dReference#average}: every output
 * is the same float sum in the same order (window rows top to bottom, columns left to right, from +0) divided by
 * the same divisor (Caffe's window clipped to the padded input).
 *
 * <p>Wide outputs: LANES outputs of a row at a time. Each plane is first copied into a zero-padded
 * {@link PhaseSplitPlane}, so a window column is one contiguous load for any stride, and cells the reference skips
 * (left of the image, or right of it up to and past the padded edge) add +0, which leaves the sum unchanged: a sum
 * started at +0 is never -0, and x + 0 == x for every other x, NaN and infinities included. Windows are clipped
 * vertically as in the reference, so no padding rows are needed. The extra lanes of a row's last vector are not
 * stored.
 *
 * <p>Narrow outputs (global pooling, small maps): a row would fill less than half a vector, so LANES planes are
 * pooled at once instead, each lane summing its own plane with the reference's clipped loops (one vector load per
 * window cell from a cell-major copy of the LANES planes); leftover planes go to the scalar
 * {@link Pool2dDirect#average}, which is bit-identical too.
 *
 * <p>Loaded only through {@link Simd}. Scratch: a padded plane (or a cell-major block of planes), the divisor widths
 * and the window columns' offsets per thread.
 */
final class AveragePoolVectorKernel implements AveragePoolKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();

    /**
     * Per thread: [0] the padded plane (or the cell-major block of {@link #acrossPlanes}), [1] divisor width per
     * output column, [2] one vector's worth of output.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][]{
            new float[0], new float[0], new float[LANES]});
    /**
     * The largest cell-major block {@link #acrossPlanes} copies LANES planes into (1 MB): planes larger than that (a
     * global pool over a map of more than 128 x 128 with AVX-512) pool along their rows instead.
     */
    private static final long ACROSS_PLANES_MAX_FLOATS = 1 << 18;
    /** Per thread: where each window column starts. */
    private static final ThreadLocal<int[]> TAPS = ThreadLocal.withInitial(() -> new int[0]);

    @Override
    public void average(float[] in, int inOff, float[] out, int outOff, int planes, int h, int w, int oh, int ow,
                        int kh, int kw, int sh, int sw, int ph, int pw) {
        if (2 * ow <= LANES && planes >= LANES && (long) h * w * LANES <= ACROSS_PLANES_MAX_FLOATS) {
            int vectorPlanes = planes - planes % LANES;
            acrossPlanes(in, inOff, out, outOff, vectorPlanes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
            Pool2dDirect.average(in, inOff + vectorPlanes * h * w, out, outOff + vectorPlanes * oh * ow,
                    planes - vectorPlanes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
        } else {
            alongRows(in, inOff, out, outOff, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
        }
    }

    private static void alongRows(float[] in, int inOff, float[] out, int outOff, int planes, int h, int w, int oh,
                                  int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
        float[][] scratch = SCRATCH.get();
        int columns = (ow + LANES - 1) / LANES * LANES;
        long phaseWidth = Math.max((pw + (long) w + sw - 1) / sw, columns + (kw - 1L) / sw);
        if ((long) sw * h * phaseWidth > 2L * h * (w + 2L * pw + kw) + 4L * LANES * h) {
            // A stride much wider than the windows: the phase-split copy would hold LANES strides per row, gigabytes
            // for a stride near 2^31. The scalar twin reads the plane in place.
            Pool2dDirect.average(in, inOff, out, outOff, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
            return;
        }
        PhaseSplitPlane layout = PhaseSplitPlane.of(h, w, 0, 0, pw, sw, columns, kw);
        float[] plane = grow(scratch, 0, layout.size());
        float[] widths = grow(scratch, 1, columns);
        float[] lastBlock = scratch[2];
        int[] taps = TAPS.get();
        if (taps.length < kw) {
            taps = new int[kw];
            TAPS.set(taps);
        }
        for (int kx = 0; kx < kw; kx++) {
            taps[kx] = layout.offset(0, kx);
        }
        for (int ox = 0; ox < columns; ox++) {
            // Lanes past ow are never stored; 1 keeps their quotient harmless.
            widths[ox] = ox < ow ? Pool2dDirect.divisorSpan(ox, kw, sw, pw, w) : 1;
        }
        layout.clear(plane);
        for (int c = 0; c < planes; c++) {
            layout.copy(in, inOff + c * h * w, h, w, plane);
            int op = outOff + c * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * sh - ph;
                float poolH = Pool2dDirect.divisorSpan(oy, kh, sh, ph, h);
                int ys = Math.max(y0, 0);
                int ye = Math.min(y0 + kh, h);
                int row = op + oy * ow;
                for (int ox = 0; ox < ow; ox += LANES) {
                    if (ox + LANES <= ow) {
                        averageColumns(plane, taps, kw, ys, ye, layout.phaseWidth(), ox, widths, poolH, out, row + ox);
                    } else {
                        averageColumns(plane, taps, kw, ys, ye, layout.phaseWidth(), ox, widths, poolH, lastBlock, 0);
                        System.arraycopy(lastBlock, 0, out, row + ox, ow - ox);
                    }
                }
            }
        }
    }

    /**
     * {@code planes} is a multiple of LANES; lane i pools plane first + i. Each group of LANES planes is first copied
     * cell-major into a scratch block (cell (y, x) of lane i at {@code ((y * w + x) * LANES + i)}), reading the planes
     * front to back, so that each window cell is one vector load: a gather per cell instead read LANES planes at once
     * with a stride, which the hardware prefetchers do not follow once the input has left the caches.
     */
    private static void acrossPlanes(float[] in, int inOff, float[] out, int outOff, int planes, int h, int w,
                                     int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
        float[][] scratch = SCRATCH.get();
        int cells = h * w;
        float[] block = grow(scratch, 0, cells * LANES);
        float[] lanes = scratch[2];
        for (int first = 0; first < planes; first += LANES) {
            int ip = inOff + first * cells;
            int op = outOff + first * oh * ow;
            for (int i = 0; i < LANES; i++) {
                for (int c = 0, from = ip + i * cells, to = i; c < cells; c++, to += LANES) {
                    block[to] = in[from + c];
                }
            }
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * sh - ph;
                int poolH = Pool2dDirect.divisorSpan(oy, kh, sh, ph, h);
                int ys = Math.max(y0, 0);
                int ye = Math.min(y0 + kh, h);
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = ox * sw - pw;
                    int poolSize = poolH * Pool2dDirect.divisorSpan(ox, kw, sw, pw, w);
                    int xs = Math.max(x0, 0);
                    int xe = Math.min(x0 + kw, w);
                    averagePlanes(block, w, ys, ye, xs, xe, poolSize, lanes);
                    for (int i = 0; i < LANES; i++) {
                        out[op + i * oh * ow + oy * ow + ox] = lanes[i];
                    }
                }
            }
        }
    }

    /*
     * The two window sums below run as one loop over the window's cells, not as a loop over its rows around a loop
     * over its columns: JDK 17's C2 boxed a vector carried through two nested loops, every add going to the Vector
     * API's allocating Java fallback (NIN's pool4 ~20 MB/s of garbage, a global pool over 64 planes ~300 MB/s).
     */

    /** The averages of LANES outputs of a row, columns ox.., into dst[at..]. */
    private static void averageColumns(float[] plane, int[] taps, int kw, int ys, int ye, int phaseWidth, int ox,
                                       float[] widths, float poolH, float[] dst, int at) {
        FloatVector sum = FloatVector.zero(S);
        int rowAt = ys * phaseWidth + ox;
        for (int i = 0, kx = 0, cells = Math.max(0, ye - ys) * kw; i < cells; i++) {
            sum = sum.add(FloatVector.fromArray(S, plane, taps[kx] + rowAt));
            if (++kx == kw) {
                kx = 0;
                rowAt += phaseWidth;
            }
        }
        // poolH * width is an exact small integer, as the reference's int divisor.
        sum.div(FloatVector.fromArray(S, widths, ox).mul(poolH)).intoArray(dst, at);
    }

    /** The average of one window in LANES planes at once (cell-major, see {@link #acrossPlanes}) into lanes[0..]. */
    private static void averagePlanes(float[] block, int w, int ys, int ye, int xs, int xe, int poolSize,
                                      float[] lanes) {
        FloatVector sum = FloatVector.zero(S);
        int at = (ys * w + xs) * LANES;
        for (int i = 0, x = xs, cells = Math.max(0, ye - ys) * Math.max(0, xe - xs); i < cells; i++) {
            sum = sum.add(FloatVector.fromArray(S, block, at));
            at += LANES;
            if (++x == xe) {
                x = xs;
                at += (w - (xe - xs)) * LANES;
            }
        }
        sum.div(poolSize).intoArray(lanes, 0);
    }

    private static float[] grow(float[][] buffers, int slot, int size) {
        if (buffers[slot].length < size) {
            buffers[slot] = new float[size];
        }
        return buffers[slot];
    }
}
