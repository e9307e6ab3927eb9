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
}
