package org.caffe4j.files;

import org.caffe4j.MalformedModelException;
import org.caffe4j.MemoryBudget;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes numpy's .npy format (versions 1-3). Reading accepts float32/float64/integer/bool dtypes of
 * either byte order in C order and converts to float; writing always produces little-endian float32, C order.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Refuse headers and arrays that cannot be real: protects against hostile or corrupt files. */
    private static final int MAX_HEADER = 1 << 20;
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Npy() {
    }

    /** An array read from a .npy file: its shape and its values as float, C order. */
    public record Array(int[] shape, float[] data) {
        public long count() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return "npy" + Arrays.toString(shape);
        }
    }

    /** Reads a .npy file; a FIFO, device, broken link or link loop is refused before it is opened. */
    public static Array read(Path file) throws IOException {
        RegularFiles.require(file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), Files.size(file));
        }
    }

    /**
     * @param name used in error messages
     * @param available bytes known to be available (or -1 when unknown), checked before allocating
     */
    public static Array read(InputStream in, String name, long available) throws IOException {
        byte[] magic = readFully(in, 8, name);
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new MalformedModelException(name + ": not a .npy file (bad magic)");
            }
        }
        int major = magic[6] & 0xff;
        int headerLen;
        if (major == 1) {
            byte[] b = readFully(in, 2, name);
            headerLen = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] b = readFully(in, 4, name);
            long len = (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
            if (len > MAX_HEADER) {
                throw new MalformedModelException(name + ": .npy header length " + len + " is not plausible");
            }
            headerLen = (int) len;
        } else {
            throw new MalformedModelException(name + ": unsupported .npy version " + major);
        }
        String header = new String(readFully(in, headerLen, name), StandardCharsets.ISO_8859_1);
        String descr = field(header, "descr", "'([^']*)'", name);
        String fortran = field(header, "fortran_order", "(True|False)", name);
        String shapeText = field(header, "shape", "\\(([^)]*)\\)", name);
        if (fortran.equals("True")) {
            throw new MalformedModelException(name + ": Fortran-order .npy arrays are not supported; save with C order");
        }
        List<Integer> dims = new ArrayList<>();
        long count = 1;
        for (String part : shapeText.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            long d;
            try {
                d = Long.parseLong(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
            } catch (NumberFormatException e) {
                throw new MalformedModelException(name + ": bad .npy shape '" + shapeText + "'");
            }
            if (d < 0 || d > MAX_ELEMENTS) {
                throw new MalformedModelException(name + ": bad .npy dimension " + d);
            }
            count *= d;
            if (count > MAX_ELEMENTS) {
                throw new MalformedModelException(name + ": .npy array of shape (" + shapeText + ") is too large");
            }
            dims.add((int) d);
        }
        if (descr.length() < 2 || "<>|=".indexOf(descr.charAt(0)) < 0) {
            throw new MalformedModelException(name + ": unsupported .npy dtype '" + descr
                    + "'; expected a byte order (<, >, |, =) and a type such as <f4");
        }
        char order = descr.charAt(0);
        String kind = descr.substring(1);
        ByteOrder bo = order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int itemSize = switch (kind) {
            case "f4", "i4", "u4" -> 4;
            case "f8", "i8", "u8" -> 8;
            case "f2", "i2", "u2" -> 2;
            case "u1", "i1", "b1" -> 1;
            default -> throw new MalformedModelException(name + ": unsupported .npy dtype '" + descr + "'");
        };
        long bytes = count * itemSize;
        if (available >= 0 && bytes > available) {
            throw new MalformedModelException(name + ": .npy file is truncated: shape (" + shapeText + ") needs "
                    + bytes + " bytes of data but the file has only " + available + " in all");
        }
        MemoryBudget.require(MemoryBudget.floatBytes(count), name + ": .npy array of shape (" + shapeText.trim() + ")");
        int n = (int) count;
        // Of a stream of unknown length, trust the header only as far as data has arrived: grow the array as it
        // does, so that a short hostile stream cannot make us allocate what its header claims.
        float[] out = new float[available >= 0 ? n : Math.min(n, 1 << 20)];
        // Read in chunks: 8-byte items of a large array would overflow one byte array.
        byte[] chunk = new byte[(int) Math.min(bytes, 1 << 16) / itemSize * itemSize + itemSize];
        int i = 0;
        while (i < n) {
            if (i == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, 2L * out.length));
            }
            int items = Math.min(out.length - i, chunk.length / itemSize);
            ByteBuffer buf = ByteBuffer.wrap(readInto(in, chunk, items * itemSize, name)).order(bo);
            for (int end = i + items; i < end; i++) {
                out[i] = switch (kind) {
                    case "f4" -> buf.getFloat();
                    case "f8" -> (float) buf.getDouble();
                    case "f2" -> Half.toFloat(buf.getShort());
                    case "i4" -> buf.getInt();
                    case "u4" -> buf.getInt() & 0xffffffffL;
                    case "i8" -> buf.getLong();
                    case "u8" -> unsignedToFloat(buf.getLong());
                    case "i2" -> buf.getShort();
                    case "u2" -> buf.getShort() & 0xffff;
                    case "i1" -> buf.get();
                    default -> buf.get() & 0xff;
                };
            }
        }
        return new Array(dims.stream().mapToInt(Integer::intValue).toArray(), out);
    }

    /** Writes through a temporary file and a rename, so an interrupted run never leaves half an array. */
    public static void write(Path file, int[] shape, float[] data) throws IOException {
        AtomicFiles.write(file, out -> write(out, shape, data));
    }

    public static void write(OutputStream out, int[] shape, float[] data) throws IOException {
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        if (count != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not match " + data.length + " values");
        }
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? dims.substring(0, dims.length() - 1)
                : shape.length == 0 ? "" : dims.substring(0, dims.length() - 2);
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + shapeText + "), }");
        // Pad with spaces so that magic + length + header + newline is a multiple of 64 bytes.
        int total = 10 + header.length() + 1;
        header.append(" ".repeat((64 - total % 64) % 64)).append('\n');
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(MAGIC);
        head.write(1);
        head.write(0);
        head.write(header.length() & 0xff);
        head.write(header.length() >> 8);
        head.write(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(head.toByteArray());
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(v);
        }
        out.write(buf.array(), 0, buf.position());
    }

    private static String field(String header, String key, String valueRegex, String name) {
        Matcher m = Pattern.compile("'" + key + "'\\s*:\\s*" + valueRegex).matcher(header);
        if (!m.find()) {
            throw new MalformedModelException(name + ": .npy header has no '" + key + "': " + header.trim());
        }
        return m.group(1);
    }

    private static float unsignedToFloat(long v) {
        return v >= 0 ? v : (float) (v >>> 1) * 2f;
    }

    private static byte[] readFully(InputStream in, int n, String name) throws IOException {
        return readInto(in, new byte[n], n, name);
    }

    /** Fills the first {@code n} bytes of {@code b}; returns {@code b}. */
    private static byte[] readInto(InputStream in, byte[] b, int n, String name) throws IOException {
        int off = 0;
        while (off < n) {
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new MalformedModelException(name + ": .npy file is truncated", new EOFException());
            }
            off += r;
        }
        return b;
    }
}
