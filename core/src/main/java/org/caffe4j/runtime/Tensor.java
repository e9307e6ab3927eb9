package org.caffe4j.runtime;

import java.util.Arrays;

/** A float blob in C order (NCHW for images): its shape and values. The array is not copied. */
public record Tensor(int[] shape, float[] data) {
    public Tensor {
        shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int rank() {
        return shape.length;
    }

    public String shapeString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? "x" : "").append(shape[i]);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "Tensor[" + shapeString() + "]";
    }
}
