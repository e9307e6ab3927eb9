package org.caffe4j.runtime;

import org.caffe4j.MalformedModelException;
import org.caffe4j.proto.Caffe;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tensor's checks and its reader for Caffe's BlobProto files. */
class TensorTest {
    @Test
    void aShapeMustHoldExactlyTheValues() {
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new int[]{2, 3}, new float[5]));
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new int[]{-1, 3}, new float[3]));
        assertEquals("2x3", new Tensor(new int[]{2, 3}, new float[6]).shapeString());
    }

    @Test
    void readsABinaryprotoWithLegacyDims() throws IOException {
        byte[] bytes = Caffe.BlobProto.newBuilder().setNum(1).setChannels(2).setHeight(1).setWidth(2)
                .addData(1).addData(2).addData(3).addData(4).build().toByteArray();
        Tensor t = Tensor.readBinaryproto(new ByteArrayInputStream(bytes), "m.binaryproto");
        assertArrayEquals(new int[]{1, 2, 1, 2}, t.shape());
        assertArrayEquals(new float[]{1, 2, 3, 4}, t.data());
    }

    @Test
    void readsTheCifar10Mean() throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("models/cifar10-quick/mean.binaryproto"))) {
            Tensor t = Tensor.readBinaryproto(in, "mean.binaryproto");
            assertArrayEquals(new int[]{1, 3, 32, 32}, t.shape());
            float sum = 0;
            for (float v : t.data()) {
                sum += v;
            }
            float average = sum / t.data().length;
            assertTrue(average > 100 && average < 140, "the CIFAR-10 training set's mean pixel: " + average);
        }
    }

    @Test
    void somethingElseIsAOneLineErrorNamingTheSource() {
        var e = assertThrows(MalformedModelException.class, () -> Tensor.readBinaryproto(
                new ByteArrayInputStream(new byte[]{(byte) 0xff, (byte) 0xff, 0x01}), "not-a-blob.bin"));
        assertTrue(e.getMessage().startsWith("not-a-blob.bin: not a Caffe BlobProto file"), e.getMessage());
    }
}
