package org.caffe4j.kernels.layout;

import java.util.Arrays;

/**
 * One image plane copied into a zero-padded buffer split by column phase, so that a window operation with
 * horizontal stride s reads consecutive floats for consecutive output columns: padded column x of padded row y is
 * stored at phase x % s, position y * phaseWidth + x / s. Output column ox's tap at column offset t (padded
 * column ox*s + t) is then at {@link #offset}(y, t) + ox, whatever the stride, padding or dilation, and a vector of
 * outputs is one contiguous load per tap instead of a gather.
 *
 * <p>Input row r, column c goes to padded row padTop + r, column padLeft + c; every other cell is zero. Each phase
 * row is wide enough for all {@code columns} outputs a caller computes per row (its vector-rounded output width),
 * so no read of any tap leaves the row.
 *
 * @param rows       padded rows (input rows plus the vertical padding the caller wants as zero rows)
 * @param phaseWidth floats per row of one phase
 */
public record PhaseSplitPlane(int rows, int phaseWidth, int stride, int padTop, int padLeft) {

    /**
     * The layout for an h x w input read by {@code columns} output columns with the given stride, whose taps reach
     * up to column offset {@code tapSpan - 1} from the window start.
     */
    public static PhaseSplitPlane of(int h, int w, int padTop, int padBottom, int padLeft, int stride, int columns,
                                     int tapSpan) {
        int holdsInput = (padLeft + w + stride - 1) / stride;
        int holdsReads = columns + (tapSpan - 1) / stride;
        return new PhaseSplitPlane(padTop + h + padBottom, Math.max(holdsInput, holdsReads), stride, padTop, padLeft);
    }

    /** Floats the buffer needs. */
    public int size() {
        return stride * rows * phaseWidth;
    }

    /** Where output column 0 of padded row {@code y} finds its tap at column offset {@code t}. */
    public int offset(int y, int t) {
        return (t % stride) * rows * phaseWidth + y * phaseWidth + t / stride;
    }

    /** Zeroes the buffer's first {@link #size()} floats: the padding, which {@link #copy} never writes. */
    public void clear(float[] buffer) {
        Arrays.fill(buffer, 0, size(), 0f);
    }

    /** Copies the h x w plane at {@code in[inOff]} into a buffer {@link #clear cleared} for this layout. */
    public void copy(float[] in, int inOff, int h, int w, float[] buffer) {
        copy(in, inOff, h, w, buffer, EvenOddSplit.SCALAR);
    }

    /** As {@link #copy(float[], int, int, int, float[])}, with stride-2 rows split by {@code split}. */
    public void copy(float[] in, int inOff, int h, int w, float[] buffer, EvenOddSplit split) {
        for (int r = 0; r < h; r++) {
            int src = inOff + r * w;
            int y = padTop + r;
            if (stride == 1) {
                System.arraycopy(in, src, buffer, y * phaseWidth + padLeft, w);
                continue;
            }
            if (stride == 2) {
                // One sequential pass over the row, even and odd columns to their phases (MobileNet's stride-2
                // depthwise layers spend most of their time here).
                int even = offset(y, padLeft), odd = offset(y, padLeft + 1);
                split.split(in, src, w / 2, buffer, even, odd);
                if (w % 2 != 0) {
                    buffer[even + w / 2] = in[src + w - 1];
                }
                continue;
            }
            // Columns c0, c0 + s, c0 + 2s, ... share a phase and are consecutive in it.
            for (int c0 = 0; c0 < Math.min(stride, w); c0++) {
                int dst = offset(y, padLeft + c0);
                for (int c = c0; c < w; c += stride) {
                    buffer[dst++] = in[src + c];
                }
            }
        }
    }
}
