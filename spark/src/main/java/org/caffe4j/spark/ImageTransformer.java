package org.caffe4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What {@link CaffeClassifier} and {@link CaffeDetector} share: the model, input and path columns and worker
 * threads as ML params, the input checks, and shipping the model to the executors once (read on the driver, loaded
 * there too so that a bad model fails on the driver with caffe4j's message, then broadcast as bytes).
 *
 * @param <T> the concrete transformer, so that the setters chain
 */
abstract class ImageTransformer<T extends ImageTransformer<T>> extends Transformer {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> model;
    private final Param<String> inputCol;
    private final Param<String> pathCol;
    private final IntParam threads;

    ImageTransformer(String uid, String modelDoc) {
        this.uid = uid;
        this.model = new Param<>(this, "model", modelDoc);
        this.inputCol = new Param<>(this, "inputCol", "binary column holding the encoded image");
        this.pathCol = new Param<>(this, "pathCol", "string column naming each image (used in error messages)");
        this.threads = new IntParam(this, "threads",
                "caffe4j worker threads per executor JVM (Spark already runs one task per core)", ParamValidators.inRange(1, 256));
        setDefault(inputCol, "content");
        setDefault(pathCol, "path");
        setDefault(threads, 1);
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> model() {
        return model;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> pathCol() {
        return pathCol;
    }

    public IntParam threads() {
        return threads;
    }

    public T setModel(String value) {
        set(model, value);
        return self();
    }

    public T setInputCol(String value) {
        set(inputCol, value);
        return self();
    }

    public T setPathCol(String value) {
        set(pathCol, value);
        return self();
    }

    public T setThreads(int value) {
        set(threads, value);
        return self();
    }

    int threadCount() {
        return (Integer) getOrDefault(threads);
    }

    /** The input checks and the columns this transformer adds. */
    StructType withColumns(StructType schema, String... added) {
        ImageColumns.require(schema, getOrDefault(inputCol), DataTypes.BinaryType);
        ImageColumns.require(schema, getOrDefault(pathCol), DataTypes.StringType);
        ImageColumns.requireAbsent(schema, getClass().getSimpleName(), added);
        return schema;
    }

    /** Loads the model on the driver ({@code loadHere}) and broadcasts its bytes. */
    Broadcast<ModelBundle> shipModel(Dataset<?> dataset, java.util.function.BiConsumer<ModelBundle, Integer> loadHere) {
        if (!isDefined(model)) {
            throw new IllegalArgumentException("set the model (a registered name or a model folder) first");
        }
        ModelBundle bundle;
        try {
            bundle = ModelBundle.resolve(getOrDefault(model));
        } catch (IOException e) {
            throw new UncheckedIOException("model '" + getOrDefault(model) + "': " + e.getMessage(), e);
        }
        loadHere.accept(bundle, threadCount());
        return JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()).broadcast(bundle);
    }

    int contentIndex(Dataset<?> dataset) {
        return dataset.schema().fieldIndex(getOrDefault(inputCol));
    }

    int pathIndex(Dataset<?> dataset) {
        return dataset.schema().fieldIndex(getOrDefault(pathCol));
    }
}
