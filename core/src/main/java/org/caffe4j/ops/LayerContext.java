package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.io.TextFields;
import org.caffe4j.proto.Caffe.LayerParameter;

import java.util.List;

/**
 * One layer as the importer sees it while parsing: its proto and where it came from, plus helpers that throw
 * errors naming the file, the layer and the field.
 *
 * @param textFields the layer's block as written in the prototxt, schema-less, for plug-in layer types (their
 *                   own parameter fields are not in caffe.proto); null for the others
 */
public record LayerContext(String source, LayerParameter layer, List<TextFields.Field> textFields) {
    public LayerContext(String source, LayerParameter layer) {
        this(source, layer, null);
    }

    public String name() {
        return layer.getName();
    }

    public String type() {
        return layer.getType();
    }

    /** "file: layer 'conv1' (Convolution)". */
    public String label() {
        return (source == null || source.isEmpty() ? "" : source + ": ") + "layer '" + name() + "' (" + type() + ")";
    }

    /** A value caffe4j does not implement (e.g. pool: STOCHASTIC). */
    public UnsupportedLayerException unsupported(String field, String message) {
        return new UnsupportedLayerException(label() + ": " + field + " " + message);
    }

    /** A value that is wrong in itself (zero stride, a kernel larger than its input...). */
    public ShapeException invalid(String field, String message) {
        return new ShapeException(label() + ": " + field + " " + message);
    }

    public void requireBottoms(int min, int max) {
        int n = layer.getBottomCount();
        if (n < min || n > max) {
            throw invalid("bottom", "has " + n + " blob(s); expected " + range(min, max));
        }
    }

    public void requireTops(int min, int max) {
        int n = layer.getTopCount();
        if (n < min || n > max) {
            throw invalid("top", "has " + n + " blob(s); expected " + range(min, max));
        }
    }

    private static String range(int min, int max) {
        if (min == max) {
            return String.valueOf(min);
        }
        return max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max;
    }
}
