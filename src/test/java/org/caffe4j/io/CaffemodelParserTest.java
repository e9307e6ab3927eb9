package org.caffe4j.io;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import org.caffe4j.ir.Blob;
import org.caffe4j.proto.Caffe;
import org.caffe4j.testing.NinTestModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming caffemodel parser gives what protobuf-java's parser gives, blob for blob and bit for bit. */
@Timeout(60)
class CaffemodelParserTest {
    @TempDir
    Path dir;

    @Test
    void v2AndV1CaffemodelsDecodeToTheSameBlobsAndFieldsAsProtobufsParser() throws Exception {
        for (Path f : new Path[]{Path.of("testdata/lenet_mnist/lenet_iter_10000.caffemodel"),
                Path.of("testdata/cifar10_quick/cifar10_quick_iter_5000.caffemodel"), NinTestModel.cachedCaffemodel()}) {
            int converted = assertSameAsProtobuf(f);
            assertTrue(converted > 0, f + ": packed float data should arrive as one raw FLOAT array per blob");
        }
    }

    /** Unpacked values, several packed chunks, and V0 layers inside V1 ones stay exactly as protobuf reads them. */
    @Test
    void blobsInOtherFormsAndV0LayersAreKeptAsWritten() throws Exception {
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        CodedOutputStream b = CodedOutputStream.newInstance(blob);
        b.writeInt32(Caffe.BlobProto.NUM_FIELD_NUMBER, 1);
        b.writeInt32(Caffe.BlobProto.CHANNELS_FIELD_NUMBER, 1);
        b.writeInt32(Caffe.BlobProto.HEIGHT_FIELD_NUMBER, 1);
        b.writeInt32(Caffe.BlobProto.WIDTH_FIELD_NUMBER, 5);
        b.writeTag(Caffe.BlobProto.DATA_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        b.writeUInt32NoTag(8);
        b.writeFloatNoTag(1.5f);
        b.writeFloatNoTag(-2f);
        b.writeFloat(Caffe.BlobProto.DATA_FIELD_NUMBER, Float.intBitsToFloat(0x7fc00123)); // unpacked, a NaN payload
        b.writeTag(Caffe.BlobProto.DATA_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        b.writeUInt32NoTag(8);
        b.writeFloatNoTag(3f);
        b.writeFloatNoTag(4f);
        b.flush();
        Caffe.BlobProto mixed = Caffe.BlobProto.parseFrom(blob.toByteArray());
        assertEquals(5, mixed.getDataCount());
        Caffe.BlobProto packedOnce = Caffe.BlobProto.newBuilder().setNum(1).setChannels(1).setHeight(1).setWidth(2)
                .addData(7f).addData(Float.intBitsToFloat(0xff800001)).build();
        // Written by hand: protobuf would re-encode the mixed blob as one packed chunk.
        byte[] mixedAsWritten = blob.toByteArray();
        ByteArrayOutputStream v2 = new ByteArrayOutputStream();
        CodedOutputStream l = CodedOutputStream.newInstance(v2);
        l.writeString(Caffe.LayerParameter.NAME_FIELD_NUMBER, "b");
        l.writeString(Caffe.LayerParameter.TYPE_FIELD_NUMBER, "Scale");
        l.writeByteArray(Caffe.LayerParameter.BLOBS_FIELD_NUMBER, mixedAsWritten);
        l.writeMessage(Caffe.LayerParameter.BLOBS_FIELD_NUMBER, packedOnce);
        l.flush();
        ByteArrayOutputStream v1 = new ByteArrayOutputStream();
        CodedOutputStream m = CodedOutputStream.newInstance(v1);
        m.writeString(Caffe.V1LayerParameter.NAME_FIELD_NUMBER, "a");
        m.writeByteArray(Caffe.V1LayerParameter.BLOBS_FIELD_NUMBER, mixedAsWritten);
        m.writeMessage(Caffe.V1LayerParameter.LAYER_FIELD_NUMBER,
                Caffe.V0LayerParameter.newBuilder().setName("a").setType("conv").addBlobs(packedOnce).build());
        m.flush();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        CodedOutputStream n = CodedOutputStream.newInstance(file);
        n.writeString(Caffe.NetParameter.NAME_FIELD_NUMBER, "n");
        n.writeByteArray(Caffe.NetParameter.LAYERS_FIELD_NUMBER, v1.toByteArray());
        n.writeByteArray(Caffe.NetParameter.LAYER_FIELD_NUMBER, v2.toByteArray());
        n.flush();
        Path f = Files.write(dir.resolve("mixed.caffemodel"), file.toByteArray());
        assertEquals(2, assertSameAsProtobuf(f));
        Caffe.NetParameter streamed = NetReader.readCaffemodel(f);
        assertEquals(mixed, streamed.getLayer(0).getBlobs(0), "a blob not in the one-chunk form is kept as written");
        assertEquals(mixed, streamed.getLayers(0).getBlobs(0));
        assertTrue(streamed.getLayers(0).getLayer().getBlobs(0).hasRawData(), "V0 blobs are converted too");
    }

    /** NIO caches, per thread, a direct buffer as large as the largest single read: reads stay small. */
    @Test
    void readingACaffemodelAllocatesNoLargeDirectBuffer() throws Exception {
        Path nin = NinTestModel.cachedCaffemodel();
        java.lang.management.BufferPoolMXBean direct = java.lang.management.ManagementFactory
                .getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        long before = direct.getMemoryUsed();
        Caffe.NetParameter net = NetReader.readCaffemodel(nin);
        long grown = direct.getMemoryUsed() - before;
        assertTrue(net.getLayersCount() > 0);
        // conv4-1024's weights alone are 14 MB in one field.
        assertTrue(grown < 1 << 20, "direct memory grew by " + grown + " bytes reading " + Files.size(nin));
    }

    /** Asserts equality with protobuf's parse and returns how many blobs arrived as raw FLOAT data. */
    private static int assertSameAsProtobuf(Path f) throws Exception {
        Caffe.NetParameter expected = Caffe.NetParameter.parseFrom(Files.readAllBytes(f));
        Caffe.NetParameter actual = NetReader.readCaffemodel(f);
        assertEquals(withoutBlobs(expected), withoutBlobs(actual), f.toString());
        List<Caffe.BlobProto> want = blobs(expected), got = blobs(actual);
        assertEquals(want.size(), got.size(), f.toString());
        int converted = 0;
        for (int i = 0; i < want.size(); i++) {
            converted += got.get(i).hasRawData() && !want.get(i).hasRawData() ? 1 : 0;
            Blob w = BlobDecoder.decode(want.get(i), "want"), g = BlobDecoder.decode(got.get(i), "got");
            assertEquals(w.shape(), g.shape(), f + " blob " + i);
            assertEquals(w.legacy4d(), g.legacy4d(), f + " blob " + i);
            int[] wb = new int[w.data().length], gb = new int[g.data().length];
            for (int k = 0; k < wb.length; k++) {
                wb[k] = Float.floatToRawIntBits(w.data()[k]);
                gb[k] = Float.floatToRawIntBits(g.data()[k]);
            }
            assertArrayEquals(wb, gb, f + " blob " + i);
        }
        return converted;
    }

    private static Caffe.NetParameter withoutBlobs(Caffe.NetParameter net) {
        Caffe.NetParameter.Builder b = net.toBuilder();
        for (int i = 0; i < b.getLayerCount(); i++) {
            b.setLayer(i, b.getLayer(i).toBuilder().clearBlobs());
        }
        for (int i = 0; i < b.getLayersCount(); i++) {
            Caffe.V1LayerParameter.Builder l = b.getLayers(i).toBuilder().clearBlobs();
            if (l.hasLayer()) {
                l.setLayer(l.getLayer().toBuilder().clearBlobs());
            }
            b.setLayers(i, l);
        }
        return b.build();
    }

    private static List<Caffe.BlobProto> blobs(Caffe.NetParameter net) {
        List<Caffe.BlobProto> all = new ArrayList<>();
        for (Caffe.LayerParameter l : net.getLayerList()) {
            all.addAll(l.getBlobsList());
        }
        for (Caffe.V1LayerParameter l : net.getLayersList()) {
            all.addAll(l.getBlobsList());
            all.addAll(l.getLayer().getBlobsList());
        }
        return all;
    }
}
