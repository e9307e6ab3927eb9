package org.caffe4j.io;

import org.caffe4j.MalformedModelException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A prototxt read as a plain tree of named fields, without a schema. Protobuf's TextFormat parser needs one, so
 * it cannot keep the parameters of a plug-in's layer type (a {@code my_param { ... }} block caffe.proto does not
 * have): this reader keeps every field of the text with its position, scalars as their text (strings unquoted
 * and unescaped). It is used only to hand those fields to plug-ins; the net itself is always parsed by protobuf.
 */
public final class TextFields {
    /**
     * One field: a scalar ({@link #value} non-null) or a message ({@link #fields} non-null); {@code start} and
     * {@code end} are its character offsets in the text (end exclusive), line and column count from 1.
     */
    public record Field(String name, String value, List<Field> fields, int line, int column, int start, int end) {
        public boolean isMessage() {
            return fields != null;
        }
    }

    private final String text;
    private final String source;
    private int pos;
    private int line = 1;
    private int lineStart;

    private TextFields(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** The top-level fields of a prototxt; a syntax error names the file, line and column. */
    public static List<Field> parse(String text, String source) {
        TextFields reader = new TextFields(text, source);
        List<Field> fields = reader.fields(null);
        return Collections.unmodifiableList(fields);
    }

    private List<Field> fields(Character close) {
        List<Field> out = new ArrayList<>();
        while (true) {
            skipSpace();
            if (pos >= text.length()) {
                if (close != null) {
                    throw error("missing '" + close + "' before the end of the file");
                }
                return out;
            }
            char c = text.charAt(pos);
            if (close != null && c == close) {
                pos++;
                return out;
            }
            out.addAll(field());
            skipSpace();
            if (pos < text.length() && (text.charAt(pos) == ',' || text.charAt(pos) == ';')) {
                pos++;
            }
        }
    }

    /** One field, or one per element of a {@code name: [a, b]} list (the field repeated). */
    private List<Field> field() {
        int fieldLine = line, fieldColumn = pos - lineStart + 1, start = pos;
        String name = identifier();
        skipSpace();
        boolean colon = pos < text.length() && text.charAt(pos) == ':';
        if (colon) {
            pos++;
            skipSpace();
        }
        if (pos < text.length() && (text.charAt(pos) == '{' || text.charAt(pos) == '<')) {
            char close = text.charAt(pos) == '{' ? '}' : '>';
            pos++;
            List<Field> inner = Collections.unmodifiableList(fields(close));
            return List.of(new Field(name, null, inner, fieldLine, fieldColumn, start, pos));
        }
        if (!colon) {
            throw error("expected ':' or '{' after '" + name + "'");
        }
        if (pos < text.length() && text.charAt(pos) == '[') {
            pos++;
            List<Field> elements = new ArrayList<>();
            skipSpace();
            while (pos < text.length() && text.charAt(pos) != ']') {
                String value = scalar();
                elements.add(new Field(name, value, null, fieldLine, fieldColumn, start, pos));
                skipSpace();
                if (pos < text.length() && text.charAt(pos) == ',') {
                    pos++;
                    skipSpace();
                }
            }
            if (pos >= text.length()) {
                throw error("missing ']' before the end of the file");
            }
            pos++;
            return elements;
        }
        String value = scalar();
        return List.of(new Field(name, value, null, fieldLine, fieldColumn, start, pos));
    }

    private String identifier() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a field name, found '" + text.charAt(pos) + "'");
        }
        return text.substring(start, pos);
    }

    private String scalar() {
        if (pos >= text.length()) {
            throw error("expected a value before the end of the file");
        }
        char c = text.charAt(pos);
        if (c == '"' || c == '\'') {
            StringBuilder sb = new StringBuilder();
            // Adjacent string literals concatenate, as in protobuf's text format.
            while (pos < text.length() && (text.charAt(pos) == '"' || text.charAt(pos) == '\'')) {
                sb.append(string(text.charAt(pos)));
                skipSpace();
            }
            return sb.toString();
        }
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || "_-+.".indexOf(text.charAt(pos)) >= 0)) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a value, found '" + c + "'");
        }
        return text.substring(start, pos);
    }

    private String string(char quote) {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case '\\', '\'', '"' -> sb.append(e);
                default -> throw error("unsupported escape '\\" + e + "' in a string");
            }
        }
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else {
                return;
            }
        }
    }

    private MalformedModelException error(String message) {
        return new MalformedModelException(source + ":" + line + ":" + (pos - lineStart + 1) + ": " + message);
    }
}
