package org.caffe4j.io;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UninitializedMessageException;
import org.caffe4j.proto.Caffe;
import org.caffe4j.proto.CaffemodelViewProto.BlobView;
import org.caffe4j.proto.CaffemodelViewProto.LayerView;
import org.caffe4j.proto.CaffemodelViewProto.NetView;
import org.caffe4j.proto.CaffemodelViewProto.V0LayerView;
import org.caffe4j.proto.CaffemodelViewProto.V1LayerView;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Turns a caffemodel parsed as {@code caffemodel_view.proto} into the {@link Caffe.NetParameter} that caffe.proto's
 * own parser would give, except that each blob's packed float (or double) values arrive as one {@code raw_data}
 * byte string of that type. Everything but the weight values is parsed again, from the view's unknown fields, by
 * the generated caffe.proto parser; the values themselves are never decoded one by one (protobuf-java adds packed
 * floats to a growing list value by value, slow before the JIT has compiled it, and with up to 50% slack).
 */
final class CaffemodelView {
    private CaffemodelView() {
    }

    static Caffe.NetParameter toNet(NetView view) throws InvalidProtocolBufferException {
        Caffe.NetParameter.Builder net = Caffe.NetParameter.newBuilder()
                .mergeFrom(view.toBuilder().clearLayers().clearLayer().build().toByteString());
        for (V1LayerView v1 : view.getLayersList()) {
            net.addLayers(v1(v1));
        }
        for (LayerView layer : view.getLayerList()) {
            Caffe.LayerParameter.Builder b = Caffe.LayerParameter.newBuilder()
                    .mergeFrom(layer.toBuilder().clearBlobs().build().toByteString());
            for (BlobView blob : layer.getBlobsList()) {
                b.addBlobs(blob(blob));
            }
            net.addLayer(b.buildPartial());
        }
        // As caffe.proto's own parser does: a message missing a required field (e.g. clip_param.min) is a parse error.
        Caffe.NetParameter built = net.buildPartial();
        if (!built.isInitialized()) {
            throw new UninitializedMessageException(built.findInitializationErrors()).asInvalidProtocolBufferException();
        }
        return built;
    }

    private static Caffe.V1LayerParameter v1(V1LayerView view) throws InvalidProtocolBufferException {
        Caffe.V1LayerParameter.Builder b = Caffe.V1LayerParameter.newBuilder()
                .mergeFrom(view.toBuilder().clearLayer().clearBlobs().build().toByteString());
        for (BlobView blob : view.getBlobsList()) {
            b.addBlobs(blob(blob));
        }
        if (view.hasLayer()) {
            V0LayerView v0 = view.getLayer();
            Caffe.V0LayerParameter.Builder l = Caffe.V0LayerParameter.newBuilder()
                    .mergeFrom(v0.toBuilder().clearBlobs().build().toByteString());
            for (BlobView blob : v0.getBlobsList()) {
                l.addBlobs(blob(blob));
            }
            b.setLayer(l.buildPartial());
        }
        return b.buildPartial();
    }

    private static Caffe.BlobProto blob(BlobView view) throws InvalidProtocolBufferException {
        ByteString data = joined(view.getDataList(), Float.BYTES, "data");
        ByteString doubles = joined(view.getDoubleDataList(), Double.BYTES, "double_data");
        Caffe.BlobProto.Builder b = Caffe.BlobProto.newBuilder()
                .mergeFrom(view.toBuilder().clearData().clearDoubleData().build().toByteString());
        boolean unpackedValues = b.getDataCount() > 0 || b.getDoubleDataCount() > 0;
        if (unpackedValues && (!data.isEmpty() || !doubles.isEmpty())) {
            // Legal protobuf, written by no Caffe: the order between packed runs and single values is lost here.
            throw new InvalidProtocolBufferException("a weight blob mixes packed and unpacked values");
        }
        if (!b.hasRawData() && (data.isEmpty() != doubles.isEmpty())) {
            // The common case: one run of values, kept as bytes of its type (BlobDecoder copies floats in bulk).
            return b.setRawDataType(data.isEmpty() ? Caffe.BlobProto.RawDataType.DOUBLE : Caffe.BlobProto.RawDataType.FLOAT)
                    .setRawData(data.isEmpty() ? doubles : data).buildPartial();
        }
        // Several kinds of values side by side (raw_data beside data, or data beside double_data): the values as
        // caffe.proto's lists, exactly what its own parser gives, for BlobDecoder's order of precedence.
        ByteBuffer f = data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        while (f.hasRemaining()) {
            b.addData(f.getFloat());
        }
        ByteBuffer d = doubles.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        while (d.hasRemaining()) {
            b.addDoubleData(d.getDouble());
        }
        return b.buildPartial();
    }

    /** The packed runs of one field in wire order (a writer may split a packed field into several). */
    private static ByteString joined(List<ByteString> runs, int valueBytes, String field)
            throws InvalidProtocolBufferException {
        ByteString all = runs.size() == 1 ? runs.get(0) : ByteString.copyFrom(runs);
        if (all.size() % valueBytes != 0) {
            throw new InvalidProtocolBufferException("packed field '" + field + "' of a weight blob is " + all.size()
                    + " bytes, not a whole number of values: the file is truncated or a length field is corrupt");
        }
        return all;
    }
}
