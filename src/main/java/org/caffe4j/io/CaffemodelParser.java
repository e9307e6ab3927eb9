package org.caffe4j.io;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import org.caffe4j.proto.Caffe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a caffemodel of known length from a stream into the same NetParameter protobuf-java would build, except
 * that each blob's packed float values ({@code BlobProto.data}) arrive as {@code raw_data} of type FLOAT: one
 * byte[] of exactly the field's length, read once. Protobuf's own parser fills a growing float list instead, which
 * left about twice the weights as garbage (and 1.5 times them as slack) while loading. {@link BlobDecoder} reads
 * both forms to the same bits. Blobs in any other form (unpacked values, several chunks, double_data, raw_data
 * already) are left exactly as written.
 *
 * <p>Every length is checked against the bytes left in the file before anything is allocated for it.
 */
final class CaffemodelParser {
    private static final int NET_V2_LAYER = Caffe.NetParameter.LAYER_FIELD_NUMBER;
    private static final int NET_V1_LAYERS = Caffe.NetParameter.LAYERS_FIELD_NUMBER;
    private static final int LAYER_BLOBS = Caffe.LayerParameter.BLOBS_FIELD_NUMBER;
    private static final int V1_BLOBS = Caffe.V1LayerParameter.BLOBS_FIELD_NUMBER;
    private static final int V1_V0_LAYER = Caffe.V1LayerParameter.LAYER_FIELD_NUMBER;
    private static final int V0_BLOBS = Caffe.V0LayerParameter.BLOBS_FIELD_NUMBER;
    private static final int BLOB_DATA = Caffe.BlobProto.DATA_FIELD_NUMBER;
    private static final int BLOB_RAW_DATA = Caffe.BlobProto.RAW_DATA_FIELD_NUMBER;
    private static final int BLOB_RAW_TYPE = Caffe.BlobProto.RAW_DATA_TYPE_FIELD_NUMBER;

    private final CodedInputStream in;
    private final long size;

    /** @param size the stream's length in bytes */
    CaffemodelParser(CodedInputStream in, long size) {
        this.in = in;
        this.size = size;
    }

    Caffe.NetParameter parseNet() throws IOException {
        Rest rest = new Rest();
        List<Caffe.LayerParameter> layers = new ArrayList<>();
        List<Caffe.V1LayerParameter> v1 = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (isMessage(tag, NET_V2_LAYER)) {
                int old = enter();
                layers.add(parseLayer());
                leave(old);
            } else if (isMessage(tag, NET_V1_LAYERS)) {
                int old = enter();
                v1.add(parseV1Layer());
                leave(old);
            } else {
                in.skipField(tag, rest.out);
            }
        }
        return Caffe.NetParameter.parseFrom(rest.bytes()).toBuilder().addAllLayer(layers).addAllLayers(v1).build();
    }

    private Caffe.LayerParameter parseLayer() throws IOException {
        Rest rest = new Rest();
        List<Caffe.BlobProto> blobs = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (isMessage(tag, LAYER_BLOBS)) {
                blobs.add(parseBlobHere());
            } else {
                in.skipField(tag, rest.out);
            }
        }
        return Caffe.LayerParameter.parseFrom(rest.bytes()).toBuilder().addAllBlobs(blobs).build();
    }

    private Caffe.V1LayerParameter parseV1Layer() throws IOException {
        Rest rest = new Rest();
        List<Caffe.BlobProto> blobs = new ArrayList<>();
        List<Caffe.V0LayerParameter> v0 = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (isMessage(tag, V1_BLOBS)) {
                blobs.add(parseBlobHere());
            } else if (isMessage(tag, V1_V0_LAYER)) {
                int old = enter();
                v0.add(parseV0Layer());
                leave(old);
            } else {
                in.skipField(tag, rest.out);
            }
        }
        Caffe.V1LayerParameter.Builder b = Caffe.V1LayerParameter.parseFrom(rest.bytes()).toBuilder().addAllBlobs(blobs);
        v0.forEach(b::mergeLayer); // an optional message given more than once merges, as protobuf does
        return b.build();
    }

    private Caffe.V0LayerParameter parseV0Layer() throws IOException {
        Rest rest = new Rest();
        List<Caffe.BlobProto> blobs = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (isMessage(tag, V0_BLOBS)) {
                blobs.add(parseBlobHere());
            } else {
                in.skipField(tag, rest.out);
            }
        }
        return Caffe.V0LayerParameter.parseFrom(rest.bytes()).toBuilder().addAllBlobs(blobs).build();
    }

    private Caffe.BlobProto parseBlobHere() throws IOException {
        int old = enter();
        Caffe.BlobProto blob = parseBlob();
        leave(old);
        return blob;
    }

    private Caffe.BlobProto parseBlob() throws IOException {
        Rest rest = new Rest();
        byte[] packed = null;
        boolean keepAsWritten = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == BLOB_DATA && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED
                    && packed == null && !keepAsWritten) {
                int length = checkedLength();
                if (length % 4 != 0) {
                    throw new InvalidProtocolBufferException("packed float data of " + length
                            + " bytes is not a whole number of floats");
                }
                packed = in.readRawBytes(length);
                continue;
            }
            if (field == BLOB_DATA || field == BLOB_RAW_DATA || field == BLOB_RAW_TYPE) {
                if (packed != null) {
                    // Not the one-chunk form: write the chunk back where it was, in order, for protobuf to read.
                    rest.out.writeTag(BLOB_DATA, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    rest.out.writeUInt32NoTag(packed.length);
                    rest.out.writeRawBytes(packed);
                    packed = null;
                }
                keepAsWritten = true;
            }
            in.skipField(tag, rest.out);
        }
        Caffe.BlobProto parsed = Caffe.BlobProto.parseFrom(rest.bytes());
        if (packed == null) {
            return parsed;
        }
        ByteString raw = UnsafeByteOperations.unsafeWrap(packed); // the array is ours alone from here on
        return parsed.toBuilder().setRawDataType(Caffe.BlobProto.RawDataType.FLOAT).setRawData(raw).build();
    }

    private static boolean isMessage(int tag, int field) {
        return WireFormat.getTagFieldNumber(tag) == field
                && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    /** Reads a length prefix and refuses it when it points past the end of the file. */
    private int checkedLength() throws IOException {
        int length = in.readRawVarint32();
        if (length < 0 || length > size - in.getTotalBytesRead()) {
            throw new InvalidProtocolBufferException("a length of " + Integer.toUnsignedString(length) + " bytes "
                    + "points past the end: the input is truncated");
        }
        return length;
    }

    /** Enters a length-delimited message; returns the limit to restore. */
    private int enter() throws IOException {
        return in.pushLimit(checkedLength());
    }

    private void leave(int oldLimit) throws IOException {
        if (in.getBytesUntilLimit() != 0) {
            throw new InvalidProtocolBufferException("the input ended inside a message: it is truncated");
        }
        in.popLimit(oldLimit);
    }

    /** The fields of one message that are not parsed here, copied as written, for protobuf to parse. */
    private static final class Rest {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        byte[] bytes() throws IOException {
            out.flush();
            return bytes.toByteArray();
        }
    }
}
