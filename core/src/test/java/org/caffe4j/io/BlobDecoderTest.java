package org.caffe4j.io;

import com.google.protobuf.ByteString;
import org.caffe4j.MalformedModelException;
import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Shape;
import org.caffe4j.proto.Caffe;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a caffemodel stores a blob's values and shape. */
class BlobDecoderTest {
    private static Caffe.BlobShape shape(long... dims) {
        Caffe.BlobShape.Builder b = Caffe.BlobShape.newBuilder();
        for (long d : dims) {
            b.addDim(d);
        }
        return b.build();
    }

    @Test
    void floatDataWithExplicitShape() {
        Blob b = BlobDecoder.decode(Caffe.BlobProto.newBuilder().setShape(shape(2, 2))
                .addData(1).addData(2).addData(3).addData(4).build(), "t");
        assertEquals(Shape.of(2, 2), b.shape());
        assertArrayEquals(new float[]{1, 2, 3, 4}, b.data());
        assertFalse(b.legacy4d());
    }

    @Test
    void doubleDataIsNarrowedToFloat() {
        Blob b = BlobDecoder.decode(Caffe.BlobProto.newBuilder().setShape(shape(3))
                .addDoubleData(0.5).addDoubleData(-1.25).addDoubleData(1e-3).build(), "t");
        assertArrayEquals(new float[]{0.5f, -1.25f, 1e-3f}, b.data());
    }

    @Test
    void halfPrecisionRawDataExtension() {
        // 1.0 = 0x3c00, -2.0 = 0xc000, 0.5 = 0x3800, 65504 = 0x7bff (largest half), smallest subnormal = 0x0001.
        short[] halves = {0x3c00, (short) 0xc000, 0x3800, 0x7bff, 0x0001};
        ByteBuffer buf = ByteBuffer.allocate(halves.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short h : halves) {
            buf.putShort(h);
        }
        Blob b = BlobDecoder.decode(Caffe.BlobProto.newBuilder().setShape(shape(5))
                .setRawDataType(Caffe.BlobProto.RawDataType.FLOAT16).setRawData(ByteString.copyFrom(buf.array())).build(), "t");
        assertArrayEquals(new float[]{1f, -2f, 0.5f, 65504f, 0x1p-24f}, b.data());
    }

    @Test
    void legacyDimsAreComparedOnTheTrailingAxes() {
        Blob bias = BlobDecoder.decode(Caffe.BlobProto.newBuilder().setNum(1).setChannels(1).setHeight(1).setWidth(3)
                .addData(1).addData(2).addData(3).build(), "t");
        assertTrue(bias.legacy4d());
        assertTrue(bias.fits(Shape.of(3)));
        assertFalse(bias.fits(Shape.of(1, 3, 1)));
        Blob ip = BlobDecoder.decode(Caffe.BlobProto.newBuilder().setNum(1).setChannels(1).setHeight(2).setWidth(3)
                .addAllData(java.util.List.of(1f, 2f, 3f, 4f, 5f, 6f)).build(), "t");
        assertTrue(ip.fits(Shape.of(2, 3)));
        assertFalse(ip.fits(Shape.of(3, 2)));
    }

    @Test
    void countMismatchIsAnErrorNamingTheBlob() {
        var e = assertThrows(MalformedModelException.class, () -> BlobDecoder.decode(Caffe.BlobProto.newBuilder()
                .setShape(shape(4_000_000_000L, 4_000_000_000L)).addData(1).build(), "m.caffemodel: layer 'c' blobs[0]"));
        assertTrue(e.getMessage().startsWith("m.caffemodel: layer 'c' blobs[0]: shape 4000000000x4000000000"), e.getMessage());
    }

    @Test
    void dimensionBeyondIntIsRefusedEvenWhenAnotherDimIsZero() {
        var e = assertThrows(MalformedModelException.class, () -> BlobDecoder.decode(Caffe.BlobProto.newBuilder()
                .setShape(shape(0, 4_294_967_298L)).build(), "m.caffemodel: layer 'c' blobs[0]"));
        assertTrue(e.getMessage().startsWith("m.caffemodel: layer 'c' blobs[0]: dimension 4294967298"), e.getMessage());
    }

    @Test
    void anEmptyBlobWhoseOtherDimsOverflowALongIsAMalformedModel() {
        // Count 0 passes the value check; the non-zero dims (2^31 - 9)^3 do not fit a long.
        long big = Shape.MAX_ELEMENTS;
        MalformedModelException e = assertThrows(MalformedModelException.class,
                () -> BlobDecoder.decode(Caffe.BlobProto.newBuilder().setShape(shape(0, big, big, big)).build(), "w.caffemodel: conv1"));
        assertTrue(e.getMessage().startsWith("w.caffemodel: conv1: shape [0, "), e.getMessage());
        assertTrue(e.getMessage().contains("more elements than a long can count"), e.getMessage());
    }
}
