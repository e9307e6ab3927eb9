package org.caffe4j.ops;

import java.util.List;

/**
 * Reads Caffe's 2-D window fields in both spellings: repeated {@code kernel_size}/{@code stride}/{@code pad}/
 * {@code dilation} (one value for both axes or one per axis) or the scalar {@code *_h}/{@code *_w} pair.
 */
final class Spatial {
    private Spatial() {
    }

    /** Returns {h, w}. */
    static int[] pair(LayerContext ctx, String prefix, String field, List<Integer> repeated, boolean hasH, int h,
                      boolean hasW, int w, int defaultValue, int minimum) {
        int[] out;
        if (hasH || hasW) {
            if (!repeated.isEmpty()) {
                throw ctx.invalid(prefix + field, "is given both as " + field + " and as " + field + "_h/_w; use one form");
            }
            if (!(hasH && hasW)) {
                throw ctx.invalid(prefix + field + (hasH ? "_w" : "_h"), "is missing; " + field
                        + "_h and " + field + "_w go together");
            }
            out = new int[]{h, w};
        } else if (repeated.isEmpty()) {
            out = new int[]{defaultValue, defaultValue};
        } else if (repeated.size() == 1) {
            out = new int[]{repeated.get(0), repeated.get(0)};
        } else if (repeated.size() == 2) {
            out = new int[]{repeated.get(0), repeated.get(1)};
        } else {
            throw ctx.unsupported(prefix + field, "has " + repeated.size() + " values; expected 1 or 2 (only 2-D is supported)");
        }
        for (int v : out) {
            if (v < minimum) {
                throw ctx.invalid(prefix + field, "is " + v + "; must be at least " + minimum);
            }
        }
        return out;
    }

    /**
     * Checks one spatial axis of a sliding window in 64-bit arithmetic. The kernels index with int and step with
     * {@code x += stride} up to the padded extent plus one window, so the padded extent, the window span and one
     * stride step together must fit an int, or an index would wrap (a crash, or a loop that never ends). Returns
     * the window span {@code dilation * (kernel - 1) + 1}.
     *
     * @param prefix e.g. "convolution_param."
     * @param axis   "height" or "width", for the message
     */
    static long checkWindow(LayerContext ctx, String prefix, String axis, long extent, long pad, long kernel,
                            long dilation, long stride) {
        long span = dilation * (kernel - 1) + 1;
        long reach = extent + 2 * pad + span + stride;
        if (reach > Integer.MAX_VALUE) {
            // Name the field that contributes most, the one the user most likely mistyped.
            String field = "pad";
            long value = pad, worst = 2 * pad;
            if (kernel >= dilation && span > worst) {
                field = "kernel_size";
                value = kernel;
                worst = span;
            } else if (dilation > kernel && span > worst) {
                field = "dilation";
                value = dilation;
                worst = span;
            }
            if (stride > worst) {
                field = "stride";
                value = stride;
            }
            throw ctx.invalid(prefix + field, "= " + value + " (" + axis + ") overflows 32-bit index arithmetic: "
                    + "the " + extent + " input padded by 2x" + pad + " plus a " + span + " window and a stride of "
                    + stride + " reach " + reach + ", above " + Integer.MAX_VALUE);
        }
        return span;
    }
}
