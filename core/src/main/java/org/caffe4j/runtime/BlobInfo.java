package org.caffe4j.runtime;

import java.util.List;

/** A blob's name and shape (Caffe's order: N x C x H x W for images), as the net declares or infers it. */
public record BlobInfo(String name, List<Integer> shape) {
    public BlobInfo {
        shape = List.copyOf(shape);
    }

    /** "1x3x224x224", or "scalar" for a blob without axes. */
    public String shapeText() {
        if (shape.isEmpty()) {
            return "scalar";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.size(); i++) {
            sb.append(i > 0 ? "x" : "").append(shape.get(i));
        }
        return sb.toString();
    }

    /** The number of values. */
    public long count() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
