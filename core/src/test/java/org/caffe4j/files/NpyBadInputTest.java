package org.caffe4j.files;

import org.caffe4j.CaffeModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of broken or hostile .npy file ends in one CaffeModelException naming the file and what is wrong. */
@Timeout(30)
class NpyBadInputTest {

    private static byte[] npy(int version, String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0}, 0, 8);
        if (version == 1) {
            o.write(h.length & 0xff);
            o.write(h.length >> 8);
        } else {
            o.write(new byte[]{(byte) h.length, (byte) (h.length >> 8), 0, 0}, 0, 4);
        }
        o.write(h, 0, h.length);
        o.write(new byte[dataBytes], 0, dataBytes);
        return o.toByteArray();
    }

    private static String header(String descr, String fortran, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': (" + shape + "), }";
    }

    /** Reads as a file of known size and as a stream of unknown length; both must fail with these words. */
    private static void fails(byte[] bytes, String... mustContain) {
        for (long available : new long[]{bytes.length, -1}) {
            var e = assertThrows(CaffeModelException.class,
                    () -> Npy.read(new ByteArrayInputStream(bytes), "x.npy", available));
            assertTrue(e.getMessage().startsWith("x.npy: "), e.getMessage());
            for (String s : mustContain) {
                assertTrue(e.getMessage().contains(s), "message lacks '" + s + "': " + e.getMessage());
            }
        }
    }

    @Test
    void emptyOrMalformedDtype() {
        fails(npy(1, header("", "False", "2,"), 8), "dtype ''");
        fails(npy(1, header("<", "False", "2,"), 8), "dtype '<'");
        fails(npy(1, header("f4", "False", "2,"), 8), "dtype 'f4'");
        fails(npy(1, header("<U4", "False", "2,"), 8), "dtype '<U4'");
        fails(npy(1, header("|O", "False", "2,"), 8), "dtype '|O'");
    }

    @Test
    void badMagicVersionAndTruncatedHeader() {
        fails("not numpy at all".getBytes(StandardCharsets.ISO_8859_1), "bad magic");
        fails(new byte[]{(byte) 0x93, 'N', 'U'}, "truncated");
        fails(npy(9, header("<f4", "False", "2,"), 8), "version 9");
        byte[] whole = npy(1, header("<f4", "False", "2,"), 8);
        fails(java.util.Arrays.copyOf(whole, 20), "truncated");
        fails(npy(1, "{'descr': '<f4', }", 0), "no 'fortran_order'");
        fails(npy(1, "", 0), "no 'descr'");
    }

    @Test
    void fortranOrderIsRefused() {
        fails(npy(1, header("<f4", "True", "2, 2"), 16), "Fortran-order");
    }

    @Test
    void negativeHugeAndGarbledShapes() {
        fails(npy(1, header("<f4", "False", "-3,"), 0), "dimension -3");
        fails(npy(1, header("<f4", "False", "99999999999999999999,"), 0), "bad .npy shape");
        fails(npy(1, header("<f4", "False", "1 2"), 0), "bad .npy shape");
        // 2^40 floats: refused from the header, before any allocation.
        fails(npy(1, header("<f4", "False", "1048576, 1048576"), 0), "too large");
        fails(npy(3, header("<f8", "False", "1099511627776,"), 0), "dimension 1099511627776");
    }

    @Test
    void dataShorterThanTheShape() {
        fails(npy(1, header("<f4", "False", "4, 4"), 60), "truncated");
        fails(npy(1, header("<f8", "False", "3,"), 23), "truncated");
    }

    @Test
    void streamPromisingMoreThanTheHeapIsRefusedBeforeAllocating() {
        // 2^31 - 9 float64 values: 8 GB as floats, more than the test heap (-Xmx4g); the stream holds 8 bytes.
        byte[] bytes = npy(1, header("<f8", "False", "2147483639,"), 8);
        var e = assertThrows(CaffeModelException.class, () -> Npy.read(new ByteArrayInputStream(bytes), "x.npy", -1));
        assertTrue(e.getMessage().matches("x\\.npy: \\.npy array of shape \\(2147483639,\\) needs \\d+ MB, the heap allows \\d+ MB"),
                e.getMessage());
    }

    @Test
    void shortStreamWithALargeButAllowedHeaderFailsWithoutAllocatingTheWholeArray() {
        // 2^28 floats claimed (1 GB), 4 bytes present: the reader grows its array with the data, then reports truncation.
        byte[] bytes = npy(1, header("<f4", "False", "268435456,"), 4);
        var e = assertThrows(CaffeModelException.class, () -> Npy.read(new ByteArrayInputStream(bytes), "x.npy", -1));
        assertTrue(e.getMessage().contains("x.npy: .npy file is truncated"), e.getMessage());
    }

    @Test
    void everyIntegerDtypeStillReads() throws Exception {
        byte[] u8 = npy(1, header("<u8", "False", "1,"), 0);
        byte[] data = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(-1L).array();
        byte[] all = java.util.Arrays.copyOf(u8, u8.length + 8);
        System.arraycopy(data, 0, all, u8.length, 8);
        assertArrayEquals(new float[]{1.8446744e19f}, Npy.read(new ByteArrayInputStream(all), "u.npy", all.length).data());
    }
}
