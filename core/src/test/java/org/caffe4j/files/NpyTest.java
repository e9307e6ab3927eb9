package org.caffe4j.files;

import org.caffe4j.MalformedModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsShapeAndValuesAndAlignsTheHeader() throws Exception {
        float[] v = {1.5f, -2f, 0f, Float.MAX_VALUE, 1e-30f, 7f};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, new int[]{1, 2, 3}, v);
        byte[] bytes = out.toByteArray();
        assertEquals(0, (bytes.length - v.length * 4) % 64, "header is padded to 64 bytes as numpy does");
        Npy.Array a = Npy.read(new ByteArrayInputStream(bytes), "x.npy", bytes.length);
        assertArrayEquals(new int[]{1, 2, 3}, a.shape());
        assertArrayEquals(v, a.data());
        Path f = dir.resolve("s.npy");
        Npy.write(f, new int[]{6}, v);
        assertArrayEquals(new int[]{6}, Npy.read(f).shape());
    }

    @Test
    void readsOtherDtypesAndByteOrders() throws Exception {
        byte[] header = "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }".getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length, 0});
        o.write(header);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putDouble(0.25).putDouble(-3);
        o.write(b.array());
        Npy.Array a = Npy.read(new ByteArrayInputStream(o.toByteArray()), "d.npy", o.size());
        assertArrayEquals(new float[]{0.25f, -3f}, a.data());
    }

    @Test
    void hostileShapeIsRefusedBeforeAllocating() {
        byte[] header = "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }".getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length, 0}, 0, 10);
        o.write(header, 0, header.length);
        var e = assertThrows(MalformedModelException.class,
                () -> Npy.read(new ByteArrayInputStream(o.toByteArray()), "big.npy", o.size()));
        assertTrue(e.getMessage().contains("big.npy"), e.getMessage());
        var e2 = assertThrows(MalformedModelException.class,
                () -> Npy.read(new ByteArrayInputStream("not numpy".getBytes()), "t.npy", 9));
        assertTrue(e2.getMessage().contains("t.npy: not a .npy file"), e2.getMessage());
    }
}
