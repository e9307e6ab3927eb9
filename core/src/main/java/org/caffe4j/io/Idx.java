package org.caffe4j.io;

import org.caffe4j.MalformedModelException;
import org.caffe4j.files.Npy;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format: big-endian header {@code 0, 0, type, ndim}, ndim big-endian int32 dims, then
 * the data), plain or gzip-compressed (detected by the gzip magic, not the file name). Only the byte types are
 * supported: 0x08 unsigned byte and 0x09 signed byte, which is what MNIST and the CIFAR subset use.
 */
public final class Idx {
    public static final int UNSIGNED_BYTE = 0x08;
    public static final int SIGNED_BYTE = 0x09;

    private Idx() {
    }

    /** An IDX array: its element type code, shape and raw bytes in C order. */
    public record Array(int type, int[] shape, byte[] data) {
        /** Element {@code i} as an int (0..255 for unsigned bytes, -128..127 for signed). */
        public int get(int i) {
            return type == UNSIGNED_BYTE ? data[i] & 0xff : data[i];
        }

        /** Elements [from, from + count) as floats multiplied by {@code scale}. */
        public float[] toFloats(int from, int count, float scale) {
            float[] out = new float[count];
            for (int i = 0; i < count; i++) {
                out[i] = get(from + i) * scale;
            }
            return out;
        }

        /** Number of elements per item along the first axis (e.g. 784 for 28x28 images). */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < shape.length; i++) {
                n *= shape[i];
            }
            return n;
        }

        @Override
        public String toString() {
            return "idx" + Arrays.toString(shape);
        }
    }

    public static Array read(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            return read(new DataInputStream(in), file.toString());
        }
    }

    private static Array read(DataInputStream in, String name) throws IOException {
        try {
            int zero = in.readUnsignedShort();
            int type = in.readUnsignedByte();
            int ndim = in.readUnsignedByte();
            if (zero != 0 || ndim == 0) {
                throw new MalformedModelException(name + ": not an IDX file (bad magic)");
            }
            if (type != UNSIGNED_BYTE && type != SIGNED_BYTE) {
                throw new MalformedModelException(name + ": IDX element type 0x" + Integer.toHexString(type)
                        + " is not supported (only 0x08 unsigned byte and 0x09 signed byte)");
            }
            int[] shape = new int[ndim];
            long count = 1;
            for (int i = 0; i < ndim; i++) {
                shape[i] = in.readInt();
                count *= shape[i];
                if (shape[i] < 0 || count > Npy.MAX_ELEMENTS) {
                    throw new MalformedModelException(name + ": implausible IDX dimension " + shape[i]);
                }
            }
            byte[] data = new byte[(int) count];
            in.readFully(data);
            return new Array(type, shape, data);
        } catch (EOFException e) {
            throw new MalformedModelException(name + ": IDX file is truncated", e);
        }
    }
}
