package org.caffe4j.io;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import org.caffe4j.MalformedModelException;
import org.caffe4j.proto.Caffe;
import org.caffe4j.proto.CaffemodelViewProto.NetView;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Reads Caffe's two file kinds with protobuf-java's own parsers: a net definition in text format (.prototxt) and
 * trained weights in binary format (.caffemodel, .binaryproto). Nothing here interprets the net; see
 * {@link NetUpgrader} for dialects.
 */
public final class NetReader {
    /** Protobuf's own ceiling: a message's length is a signed 32-bit value. */
    private static final long MAX_BINARY_BYTES = Integer.MAX_VALUE - 8;
    /** Read size for binary files: large enough for throughput, small enough that NIO's temporary buffer stays small. */
    private static final int STREAM_BUFFER_BYTES = 1 << 16;

    private NetReader() {
    }

    /** Options for text parsing. */
    /**
     * @param customTypes layer types that plug-ins run: fields caffe.proto does not have are accepted inside their
     *                    layer blocks (they are the plug-ins' parameters) and kept schema-less
     */
    public record TextOptions(boolean ignoreUnknownFields, Set<String> customTypes) {
        public static final TextOptions STRICT = new TextOptions(false);

        public TextOptions {
            customTypes = Set.copyOf(customTypes);
        }

        public TextOptions(boolean ignoreUnknownFields) {
            this(ignoreUnknownFields, Set.of());
        }
    }

    /**
     * A parsed prototxt and, for each layer of a plug-in type, its block's fields by layer name.
     */
    public record ParsedText(Caffe.NetParameter net, Map<String, List<TextFields.Field>> customLayerFields) {
    }

    public static Caffe.NetParameter readPrototxt(Path file) throws IOException {
        return readPrototxt(file, TextOptions.STRICT, new ArrayList<>());
    }

    /**
     * @param warnings receives one line per ignored unknown field when {@code options.ignoreUnknownFields()}
     */
    public static Caffe.NetParameter readPrototxt(Path file, TextOptions options, List<String> warnings) throws IOException {
        return readPrototxtText(file, options, warnings).net();
    }

    public static Caffe.NetParameter readPrototxt(InputStream in, String name, TextOptions options, List<String> warnings)
            throws IOException {
        return readPrototxtText(in, name, options, warnings).net();
    }

    /** Like {@link #readPrototxt(Path, TextOptions, List)}, keeping the plug-in layers' fields. */
    public static ParsedText readPrototxtText(Path file, TextOptions options, List<String> warnings) throws IOException {
        checkNotEmpty(file);
        return parseText(Files.readString(file, StandardCharsets.UTF_8), file.toString(), options, warnings);
    }

    /** Like {@link #readPrototxt(InputStream, String, TextOptions, List)}, keeping the plug-in layers' fields. */
    public static ParsedText readPrototxtText(InputStream in, String name, TextOptions options, List<String> warnings)
            throws IOException {
        byte[] bytes = readAll(in, name);
        if (bytes.length == 0) {
            throw new MalformedModelException(name + ": file is empty");
        }
        return parseText(new String(bytes, StandardCharsets.UTF_8), name, options, warnings);
    }

    static ParsedText parseText(String text, String name, TextOptions options, List<String> warnings) {
        Map<String, List<TextFields.Field>> custom = new LinkedHashMap<>();
        List<TextFields.Field> customBlocks = new ArrayList<>();
        List<TextFields.Field> tree = List.of();
        MalformedModelException treeError = null;
        if (options.customTypes().stream().anyMatch(t -> text.contains("\"" + t + "\"") || text.contains("'" + t + "'"))) {
            try {
                tree = TextFields.parse(text, name);
            } catch (MalformedModelException e) {
                treeError = e; // protobuf's parser below reports a syntax error better, if it is one
            }
            for (TextFields.Field f : tree) {
                String type = f.isMessage() && f.name().equals("layer") ? scalar(f.fields(), "type") : null;
                if (type != null && options.customTypes().contains(type)) {
                    String layer = scalar(f.fields(), "name");
                    if (custom.put(layer == null ? "" : layer, f.fields()) != null) {
                        throw new MalformedModelException(name + ":" + f.line() + ": two layers of the plug-in type '"
                                + type + "' are named '" + layer + "'; give each its own name");
                    }
                    customBlocks.add(f);
                }
            }
        }
        Caffe.NetParameter.Builder builder = Caffe.NetParameter.newBuilder();
        try {
            TextFormat.Parser.newBuilder().build().merge(text, ExtensionRegistry.getEmptyRegistry(), builder);
        } catch (TextFormat.ParseException e) {
            if (!isUnknownField(e)) {
                throw new MalformedModelException(name + ":" + lineColumn(e) + ": syntax error: " + stripPosition(e));
            }
            builder = Caffe.NetParameter.newBuilder();
            List<String> unknown = new ArrayList<>();
            int[] lineStarts = lineStarts(text);
            for (UnknownField u : parseLenient(text, name, builder)) {
                int offset = u.line() >= 1 && u.line() <= lineStarts.length ? lineStarts[u.line() - 1] + u.column() - 1 : -1;
                // A plug-in layer's own parameters are unknown to caffe.proto by nature.
                if (customBlocks.stream().noneMatch(b -> offset >= b.start() && offset < b.end())) {
                    unknown.add(u.line() < 0 ? u.field() : u.field() + " (line " + u.line() + ", column " + u.column() + ")");
                }
            }
            if (unknown.isEmpty()) {
                return parsed(builder, custom, treeError);
            }
            if (!options.ignoreUnknownFields()) {
                throw new MalformedModelException(name + ": fields that Caffe's schema does not have: "
                        + String.join(", ", unknown)
                        + " (a fork's extension; pass --ignore-unknown-fields to load the net without them)");
            }
            warnings.addAll(unknown.stream().map(u -> name + ": ignored unknown field " + u).toList());
        }
        return parsed(builder, custom, treeError);
    }

    private static ParsedText parsed(Caffe.NetParameter.Builder builder, Map<String, List<TextFields.Field>> custom,
                                     MalformedModelException treeError) {
        if (treeError != null) {
            throw treeError;
        }
        return new ParsedText(builder.build(), Map.copyOf(custom));
    }

    private static String scalar(List<TextFields.Field> fields, String name) {
        for (TextFields.Field f : fields) {
            if (f.name().equals(name) && !f.isMessage()) {
                return f.value();
            }
        }
        return null;
    }

    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private record UnknownField(String field, int line, int column) {
    }

    private static boolean isUnknownField(TextFormat.ParseException e) {
        String m = e.getMessage();
        return m != null && (m.contains("has no field named") || m.contains("unknown field"));
    }

    /**
     * Parses leniently into {@code builder} and lists every unknown field with its line and column. Protobuf's
     * lenient parser reports them through its logger, all at once: capture that instead of letting it print.
     */
    private static List<UnknownField> parseLenient(String text, String name, Caffe.NetParameter.Builder builder) {
        Logger logger = Logger.getLogger(TextFormat.class.getName());
        List<UnknownField> found = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String msg = record.getMessage();
                if (msg == null) {
                    return;
                }
                for (String line : msg.split("\n")) {
                    String t = line.trim();
                    // Lines look like "12:5:\tcaffe.TransformationParameter.resize_size".
                    int tab = t.indexOf('\t');
                    if (tab > 0 && Character.isDigit(t.charAt(0))) {
                        String field = t.substring(tab + 1).replace("caffe.", "");
                        String[] pos = t.substring(0, tab).replaceAll(":$", "").split(":");
                        try {
                            found.add(new UnknownField(field, Integer.parseInt(pos[0]),
                                    pos.length > 1 ? Integer.parseInt(pos[1]) : 1));
                        } catch (NumberFormatException e) {
                            found.add(new UnknownField(field + " (at " + t.substring(0, tab) + ")", -1, -1));
                        }
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        boolean parentHandlers = logger.getUseParentHandlers();
        Level level = logger.getLevel();
        logger.addHandler(capture);
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL);
        try {
            TextFormat.Parser.newBuilder().setAllowUnknownFields(true).build()
                    .merge(text, ExtensionRegistry.getEmptyRegistry(), builder);
        } catch (TextFormat.ParseException e) {
            throw new MalformedModelException(name + ":" + lineColumn(e) + ": syntax error: " + stripPosition(e));
        } finally {
            logger.removeHandler(capture);
            logger.setUseParentHandlers(parentHandlers);
            logger.setLevel(level);
        }
        return found;
    }

    private static String lineColumn(TextFormat.ParseException e) {
        return e.getLine() >= 0 ? e.getLine() + ":" + e.getColumn() : "";
    }

    private static String stripPosition(TextFormat.ParseException e) {
        String m = e.getMessage();
        return m == null ? "" : m.replaceFirst("^\\d+:\\d+:\\s*", "");
    }

    /** Reads a binary NetParameter (a .caffemodel), any size protobuf allows. */
    public static Caffe.NetParameter readCaffemodel(Path file) throws IOException {
        return parseBinaryFile(file, (in, size) -> CaffemodelView.toNet(NetView.parser().parseFrom(in)));
    }

    public static Caffe.NetParameter readCaffemodel(InputStream in, String name) throws IOException {
        // Length unknown: protobuf's own parser, which allocates only what the stream delivers.
        return parseBinary(new SmallReads(in), name, -1, (coded, size) -> CaffemodelView.toNet(NetView.parser().parseFrom(coded)));
    }

    /** Reads a binary BlobProto (a .binaryproto mean file). */
    public static Caffe.BlobProto readBinaryproto(Path file) throws IOException {
        return parseBinaryFile(file, (in, size) -> Caffe.BlobProto.parser().parseFrom(in));
    }

    /** A parser over a stream of known (or -1: unknown) length. */
    private interface StreamParser<T> {
        T parse(CodedInputStream in, long size) throws IOException;
    }

    private static <T extends Message> T parseBinaryFile(Path file, StreamParser<T> parser) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BINARY_BYTES) {
            throw new MalformedModelException(file + ": " + size + " bytes is larger than a protobuf message can be (2 GiB)");
        }
        try (InputStream in = new SmallReads(Files.newInputStream(file))) {
            return parseBinary(in, file.toString(), size, parser);
        }
    }

    /**
     * Caps each read at {@link #STREAM_BUFFER_BYTES}: protobuf reads a long field with one call as large as the field,
     * for which NIO would allocate, and cache for the thread, a direct buffer as large (411 MB for VGG16's fc6).
     */
    private static final class SmallReads extends java.io.FilterInputStream {
        SmallReads(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, STREAM_BUFFER_BYTES));
        }
    }

    /**
     * Parses from a stream, never holding the file's bytes: a whole-file byte[] next to the parsed message doubled
     * the heap a model needs while loading, and reading it in one call made NIO allocate (and cache per thread) a
     * direct buffer as large as the file. A length prefix pointing past the end cannot make the parser allocate
     * what it claims: protobuf-java reads long byte fields (a caffemodel's weight values, see {@link CaffemodelView})
     * in chunks unless the stream holds that many bytes, failing as "truncated" when the stream ends.
     *
     * @param size the stream's length when known (for messages), else -1
     */
    private static <T extends Message> T parseBinary(InputStream stream, String name, long size,
                                                     StreamParser<T> parser) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(stream, STREAM_BUFFER_BYTES);
        in.setSizeLimit(Integer.MAX_VALUE);
        in.setRecursionLimit(200);
        if (in.isAtEnd()) {
            throw new MalformedModelException(name + ": file is empty");
        }
        try {
            T msg = parser.parse(in, size);
            in.checkLastTagWas(0);
            return msg;
        } catch (InvalidProtocolBufferException e) {
            String what = e.getMessage() == null ? "corrupt data" : e.getMessage();
            if (what.contains("truncated")) {
                what = "the file is truncated or a length field is corrupt";
            } else if (what.contains("size limit")) {
                what = "larger than a protobuf message can be (2 GiB)";
            }
            throw new MalformedModelException(name + ": not a valid binary Caffe file near byte offset "
                    + in.getTotalBytesRead() + (size >= 0 ? " of " + size : "") + ": " + what, e);
        }
    }

    private static byte[] readAll(InputStream in, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int r; (r = in.read(buf)) > 0; ) {
            total += r;
            if (total > MAX_BINARY_BYTES) {
                throw new MalformedModelException(name + ": larger than a protobuf message can be (2 GiB)");
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    private static void checkNotEmpty(Path file) throws IOException {
        if (Files.size(file) == 0) {
            throw new MalformedModelException(file + ": file is empty");
        }
    }
}
