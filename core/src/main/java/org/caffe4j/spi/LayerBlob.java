package org.caffe4j.spi;

import java.util.Arrays;

/**
 * A blob's shape and values. The values are the first {@link #count()} elements of {@link #data()} in row-major
 * order; the array may be longer (caffe4j reuses buffers between layers), so never use its length.
 */
public final class LayerBlob {
    private final int[] shape;
    private final float[] data;
    private final int count;

    public LayerBlob(int[] shape, float[] data) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > data.length) {
            throw new IllegalArgumentException("a blob of shape " + Arrays.toString(shape) + " needs " + n
                    + " values, the array has " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
        this.count = (int) n;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public int count() {
        return count;
    }

    /** The buffer itself (not a copy): write outputs here. */
    public float[] data() {
        return data;
    }
}
