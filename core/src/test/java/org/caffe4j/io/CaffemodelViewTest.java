package org.caffe4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.caffe4j.MalformedModelException;
import org.caffe4j.proto.Caffe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A caffemodel read through the bytes view is caffe.proto's own parse, with each blob's values as raw_data: same
 * fields, same values, same errors, for every way protobuf allows the values to be written.
 */
@Timeout(30)
class CaffemodelViewTest {
    private static final float[] VALUES = {1.5f, -2.25f, 3e-8f, Float.MAX_VALUE, -0f, 7f};

    @Test
    void onePackedRunBecomesRawFloatBytes() throws IOException {
        byte[] file = net(layer("conv", blob(shape(2, 3), packedFloats(VALUES))));
        Caffe.BlobProto b = read(file).getLayer(0).getBlobs(0);
        assertEquals(Caffe.BlobProto.RawDataType.FLOAT, b.getRawDataType());
        assertEquals(0, b.getDataCount());
        assertArrayEquals(VALUES, BlobDecoder.decode(b, "test").data());
        assertSameAsCaffeProto(file);
    }

    @Test
    void packedRunsSplitInSeveralPiecesKeepTheirOrder() throws IOException {
        byte[] split = concat(packedFloats(1, 2), packedFloats(3), packedFloats(4, 5, 6));
        byte[] file = net(layer("conv", blob(shape(6), split)));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, BlobDecoder.decode(read(file).getLayer(0).getBlobs(0), "t").data());
        assertSameAsCaffeProto(file);
    }

    @Test
    void unpackedValuesAndDoublesAndOtherFieldsAreCaffeProtosParse() throws IOException {
        byte[] unpacked = net(layer("ip", blob(shape(3), unpackedFloats(1, 2, 3))));
        assertSameAsCaffeProto(unpacked);
        assertArrayEquals(new float[] {1, 2, 3}, BlobDecoder.decode(read(unpacked).getLayer(0).getBlobs(0), "t").data());

        byte[] doubles = net(layer("ip", blob(shape(2), packedDoubles(0.1, -1e300))));
        Caffe.BlobProto d = read(doubles).getLayer(0).getBlobs(0);
        assertEquals(Caffe.BlobProto.RawDataType.DOUBLE, d.getRawDataType());
        assertArrayEquals(new float[] {(float) 0.1, (float) -1e300}, BlobDecoder.decode(d, "t").data());
        assertSameAsCaffeProto(doubles);

        // Half-precision raw_data beside float data (BlobDecoder reads raw_data first): both kept as caffe.proto has them.
        Caffe.BlobProto half = Caffe.BlobProto.newBuilder().setShape(Caffe.BlobShape.newBuilder().addDim(1))
                .setRawDataType(Caffe.BlobProto.RawDataType.FLOAT16).setRawData(ByteString.copyFrom(new byte[] {0, 60}))
                .addData(9f).build();
        byte[] both = Caffe.NetParameter.newBuilder().setName("n").addLayer(Caffe.LayerParameter.newBuilder()
                .setName("s").setType("Scale").addBlobs(half).addBottom("x").addTop("x")).build().toByteArray();
        assertEquals(Caffe.NetParameter.parseFrom(both), read(both));
        assertArrayEquals(new float[] {1f}, BlobDecoder.decode(read(both).getLayer(0).getBlobs(0), "t").data());
    }

    @Test
    void oldV1AndV0LayersKeepTheirBlobs() throws IOException {
        Caffe.BlobProto w = Caffe.BlobProto.newBuilder().setNum(1).setChannels(1).setHeight(2).setWidth(3)
                .addAllData(java.util.List.of(1f, 2f, 3f, 4f, 5f, 6f)).build();
        Caffe.NetParameter v1 = Caffe.NetParameter.newBuilder().setName("old").addLayers(Caffe.V1LayerParameter
                .newBuilder().setName("conv1").setType(Caffe.V1LayerParameter.LayerType.CONVOLUTION).addBlobs(w)
                .addBlobs(w).setLayer(Caffe.V0LayerParameter.newBuilder().setName("conv0").setType("conv").addBlobs(w)))
                .build();
        Caffe.NetParameter read = read(v1.toByteArray());
        assertEquals(v1, valuesAsLists(read));
        assertEquals(Caffe.BlobProto.RawDataType.FLOAT, read.getLayers(0).getLayer().getBlobs(0).getRawDataType());
        assertEquals(2, read.getLayers(0).getBlobsCount());
    }

    @Test
    void packedAndUnpackedValuesInOneBlobAreRefused() {
        byte[] mixed = net(layer("conv", blob(shape(3), concat(packedFloats(1, 2), unpackedFloats(3)))));
        var e = assertThrows(MalformedModelException.class, () -> read(mixed));
        assertTrue(e.getMessage().startsWith("test.caffemodel: ") && e.getMessage().contains("mixes packed and unpacked"),
                e.getMessage());
    }

    @Test
    void aRunThatIsNotWholeValuesIsCorrupt() {
        byte[] odd = net(layer("conv", blob(shape(1), lengthDelimited(5, new byte[] {1, 2, 3, 4, 5, 6}))));
        assertThrows(IOException.class, () -> Caffe.NetParameter.parseFrom(odd), "caffe.proto refuses it too");
        var e = assertThrows(MalformedModelException.class, () -> read(odd));
        assertTrue(e.getMessage().contains("the file is truncated or a length field is corrupt"), e.getMessage());
    }

    @Test
    void aMissingRequiredFieldIsAParseErrorAsWithCaffeProtosParser() {
        // clip_param (148) present but empty: its min and max are required (a fuzzing finding).
        byte[] file = net(concat(lengthDelimited(1, "clip".getBytes()), lengthDelimited(2, "Clip".getBytes()),
                lengthDelimited(148, new byte[0]), lengthDelimited(7, blob(shape(1), packedFloats(1)))));
        assertThrows(IOException.class, () -> Caffe.NetParameter.parseFrom(file), "caffe.proto refuses it too");
        var e = assertThrows(MalformedModelException.class, () -> read(file));
        assertTrue(e.getMessage().contains("clip_param.min"), e.getMessage());
    }

    /** Turns the view's raw_data back into caffe.proto's value lists, to compare with its own parse. */
    static Caffe.NetParameter valuesAsLists(Caffe.NetParameter net) {
        Caffe.NetParameter.Builder b = net.toBuilder();
        for (Caffe.LayerParameter.Builder l : b.getLayerBuilderList()) {
            l.getBlobsBuilderList().forEach(CaffemodelViewTest::asLists);
        }
        for (Caffe.V1LayerParameter.Builder l : b.getLayersBuilderList()) {
            l.getBlobsBuilderList().forEach(CaffemodelViewTest::asLists);
            if (l.hasLayer()) {
                l.getLayerBuilder().getBlobsBuilderList().forEach(CaffemodelViewTest::asLists);
            }
        }
        return b.build();
    }

    private static void asLists(Caffe.BlobProto.Builder blob) {
        if (!blob.hasRawData()) {
            return;
        }
        ByteBuffer bytes = blob.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        switch (blob.getRawDataType()) {
            case FLOAT -> {
                while (bytes.hasRemaining()) {
                    blob.addData(bytes.getFloat());
                }
            }
            case DOUBLE -> {
                while (bytes.hasRemaining()) {
                    blob.addDoubleData(bytes.getDouble());
                }
            }
            default -> {
                return;
            }
        }
        blob.clearRawData().clearRawDataType();
    }

    private static void assertSameAsCaffeProto(byte[] file) throws IOException {
        assertEquals(Caffe.NetParameter.parseFrom(file), valuesAsLists(read(file)));
    }

    private static Caffe.NetParameter read(byte[] file) throws IOException {
        return NetReader.readCaffemodel(new ByteArrayInputStream(file), "test.caffemodel");
    }

    // Wire bytes written field by field, for the encodings caffe.proto's own writer never produces.

    private static byte[] net(byte[] layer) {
        return concat(lengthDelimited(1, "net".getBytes()), lengthDelimited(100, layer));
    }

    private static byte[] layer(String name, byte[] blob) {
        return concat(lengthDelimited(1, name.getBytes()), lengthDelimited(2, "Convolution".getBytes()),
                lengthDelimited(7, blob));
    }

    private static byte[] blob(byte[] shape, byte[] values) {
        return concat(lengthDelimited(7, shape), values);
    }

    private static byte[] shape(long... dims) {
        return Caffe.BlobShape.newBuilder().addAllDim(java.util.Arrays.stream(dims).boxed().toList()).build().toByteArray();
    }

    private static byte[] packedFloats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return lengthDelimited(5, b.array());
    }

    private static byte[] packedDoubles(double... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double d : v) {
            b.putDouble(d);
        }
        return lengthDelimited(8, b.array());
    }

    private static byte[] unpackedFloats(float... v) {
        return write(out -> {
            for (float f : v) {
                out.writeFloat(5, f);
            }
        });
    }

    private static byte[] lengthDelimited(int field, byte[] payload) {
        return write(out -> {
            out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(payload.length);
            out.writeRawBytes(payload);
        });
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] write(Writer w) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            w.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
