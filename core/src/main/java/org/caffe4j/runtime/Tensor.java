package org.caffe4j.runtime;

import org.caffe4j.MalformedModelException;
import org.caffe4j.io.BlobDecoder;
import org.caffe4j.ir.Blob;
import org.caffe4j.proto.Caffe;

import java.io.IOException;
import java.io.InputStream;
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

    /**
     * Reads a Caffe BlobProto file, such as a {@code mean.binaryproto}: legacy num/channels/height/width dims or a
     * shape, float, double or raw data, sizes checked before anything is allocated. {@code name} names the source in
     * errors ({@link MalformedModelException}).
     */
    public static Tensor readBinaryproto(InputStream in, String name) throws IOException {
        Caffe.BlobProto proto;
        try {
            proto = Caffe.BlobProto.parseFrom(in);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new MalformedModelException(name + ": not a Caffe BlobProto file: " + e.getMessage(), e);
        }
        Blob blob = BlobDecoder.decode(proto, name);
        return new Tensor(blob.shape().dims(), blob.data());
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
