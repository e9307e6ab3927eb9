package org.caffe4j.spi;

import java.util.List;

/**
 * A plug-in layer's fields as written in the prototxt's {@code layer { ... }} block, including fields caffe.proto
 * does not have (a plug-in's own {@code my_param { ... }}). Paths name nested fields with dots:
 * {@code "my_param.alpha"}. A repeated field's getters return its first value; {@link #getStrings} and
 * {@link #getFloats} return all of them. The getters without a default throw a
 * {@link org.caffe4j.MalformedModelException} naming the file, the layer and the field when it is missing or not
 * a number.
 */
public interface LayerParams {
    String name();

    String type();

    List<String> bottoms();

    List<String> tops();

    /** Whether the field (or any field below it) is set. */
    boolean has(String path);

    String getString(String path);

    String getString(String path, String defaultValue);

    List<String> getStrings(String path);

    float getFloat(String path);

    float getFloat(String path, float defaultValue);

    float[] getFloats(String path);

    int getInt(String path);

    int getInt(String path, int defaultValue);

    boolean getBoolean(String path, boolean defaultValue);

    /** An error naming the file, the layer and the field: throw it to refuse a value. */
    RuntimeException invalid(String path, String message);
}
