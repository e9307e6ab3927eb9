package org.caffe4j.io;

import org.caffe4j.MalformedModelException;
import org.caffe4j.MemoryBudget;
import org.caffe4j.files.Half;
import org.caffe4j.ir.Blob;
import org.caffe4j.ir.InvalidShapeException;
import org.caffe4j.ir.Shape;
import org.caffe4j.proto.Caffe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns a BlobProto into floats: values from {@code data}, {@code double_data} or the half-precision
 * {@code raw_data} extension; shape from {@code shape} or the legacy num/channels/height/width fields.
 */
public final class BlobDecoder {
    private BlobDecoder() {
    }

    /**
     * @param where e.g. "model.caffemodel: layer 'conv1' blobs[0]", used in error messages
     */
    public static Blob decode(Caffe.BlobProto proto, String where) {
        boolean legacy = !proto.hasShape()
                && (proto.hasNum() || proto.hasChannels() || proto.hasHeight() || proto.hasWidth());
        long[] dims;
        if (proto.hasShape()) {
            dims = proto.getShape().getDimList().stream().mapToLong(Long::longValue).toArray();
        } else if (legacy) {
            dims = new long[]{proto.getNum(), proto.getChannels(), proto.getHeight(), proto.getWidth()};
        } else {
            dims = new long[]{valueCount(proto)};
        }
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new MalformedModelException(where + ": negative dimension " + d);
            }
            count = Math.multiplyHigh(count, d) != 0 ? Long.MAX_VALUE : count * d;
        }
        long have = valueCount(proto);
        if (count != have) {
            throw new MalformedModelException(where + ": shape " + describe(dims) + " needs " + count
                    + " values but the blob holds " + have);
        }
        if (count > Shape.MAX_ELEMENTS) {
            throw new MalformedModelException(where + ": " + count + " values is more than caffe4j can hold in one blob");
        }
        for (long d : dims) {
            // With another dim 0 the count fits, but this dim would wrap to an int.
            if (d > Shape.MAX_ELEMENTS) {
                throw new MalformedModelException(where + ": dimension " + d + " in shape " + describe(dims)
                        + " is larger than " + Shape.MAX_ELEMENTS);
            }
        }
        MemoryBudget.require(MemoryBudget.floatBytes(count), where + ": shape " + describe(dims));
        int[] intDims = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            intDims[i] = (int) dims[i];
        }
        Shape shape;
        try {
            shape = Shape.of(intDims);
        } catch (InvalidShapeException e) { // an empty blob whose other dims multiply past a long
            throw new MalformedModelException(where + ": " + e.getMessage(), e);
        }
        return new Blob(shape, values(proto, (int) count, where), legacy);
    }

    private static long valueCount(Caffe.BlobProto p) {
        if (p.hasRawData()) {
            int size = switch (p.getRawDataType()) {
                case FLOAT16 -> 2;
                case FLOAT, INT, UINT -> 4;
                case DOUBLE -> 8;
            };
            return p.getRawData().size() / size;
        }
        return p.getDataCount() > 0 ? p.getDataCount() : p.getDoubleDataCount();
    }

    private static float[] values(Caffe.BlobProto p, int count, String where) {
        float[] out = new float[count];
        if (p.hasRawData() && p.getRawDataType() == Caffe.BlobProto.RawDataType.FLOAT) {
            // Float raw_data (the half-precision extension's FLOAT type): one bulk copy, the same bits.
            p.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out, 0, count);
        } else if (p.hasRawData()) {
            ByteBuffer b = p.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                out[i] = switch (p.getRawDataType()) {
                    case FLOAT16 -> Half.toFloat(b.getShort());
                    case FLOAT -> b.getFloat();
                    case DOUBLE -> (float) b.getDouble();
                    case INT -> b.getInt();
                    case UINT -> b.getInt() & 0xffffffffL;
                };
            }
        } else if (p.getDataCount() > 0) {
            for (int i = 0; i < count; i++) {
                out[i] = p.getData(i);
            }
        } else {
            for (int i = 0; i < count; i++) {
                out[i] = (float) p.getDoubleData(i);
            }
        }
        return out;
    }

    private static String describe(long[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i > 0 ? "x" : "").append(dims[i]);
        }
        return sb.length() == 0 ? "scalar" : sb.toString();
    }
}
