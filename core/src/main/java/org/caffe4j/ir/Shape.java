package org.caffe4j.ir;

import java.util.Arrays;

/** An immutable blob shape (Caffe's N x C x H x W for images, any rank in general). */
public final class Shape {
    /** The largest blob caffe4j will allocate: Java arrays are int-indexed. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final int[] dims;
    /** The element count, computed once with overflow checks: it never wraps. */
    private final long count;

    private Shape(int[] dims) {
        this.dims = dims;
        // The product of the non-zero dims must fit a long, so that no partial product (count(from, to)) wraps.
        long n = 1;
        boolean empty = false;
        for (int d : dims) {
            if (d == 0) {
                empty = true;
                continue;
            }
            long next = n * d;
            if (Math.multiplyHigh(n, d) != 0 || next < 0) {
                throw new InvalidShapeException("shape " + Arrays.toString(dims) + " has more elements than a long can count");
            }
            n = next;
        }
        this.count = empty ? 0 : n;
    }

    public static Shape of(int... dims) {
        for (int d : dims) {
            if (d < 0) {
                throw new InvalidShapeException("negative dimension in shape " + Arrays.toString(dims));
            }
        }
        return new Shape(dims.clone());
    }

    /** Builds a shape from 64-bit dims, rejecting any whose element count overflows or exceeds {@link #MAX_ELEMENTS}. */
    public static Shape checked(long[] dims, String what) {
        int[] d = new int[dims.length];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] <= 0 || dims[i] > MAX_ELEMENTS) {
                throw new InvalidShapeException(what + ": dimension " + dims[i] + " in " + Arrays.toString(dims)
                        + " must be between 1 and " + MAX_ELEMENTS);
            }
            count *= dims[i];
            if (count > MAX_ELEMENTS) {
                throw new InvalidShapeException(what + ": shape " + Arrays.toString(dims) + " has more than "
                        + MAX_ELEMENTS + " elements");
            }
            d[i] = (int) dims[i];
        }
        return new Shape(d);
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis < 0 ? dims.length + axis : axis];
    }

    public int[] dims() {
        return dims.clone();
    }

    public long count() {
        return count;
    }

    /** Product of dims in [from, to); never overflows (see the constructor). */
    public long count(int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n *= dims[i];
        }
        return n;
    }

    /** Throws when the blob has more elements than one Java array can hold. */
    public Shape requireAllocatable(String what) {
        if (count > MAX_ELEMENTS) {
            throw new InvalidShapeException(what + ": shape " + this + " has " + count + " elements, more than the "
                    + MAX_ELEMENTS + " one Java array can hold");
        }
        return this;
    }

    /** Caffe's CanonicalAxisIndex: a negative axis counts from the end. */
    public int canonicalAxis(int axis, String field) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new InvalidShapeException(field + " = " + axis + " is out of range for a blob of shape " + this);
        }
        return a;
    }

    public Shape withDim(int axis, int value) {
        int[] d = dims.clone();
        d[axis] = value;
        return new Shape(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        if (dims.length == 0) {
            return "scalar";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append('x');
            }
            sb.append(dims[i]);
        }
        return sb.toString();
    }
}
