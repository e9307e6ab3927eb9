package org.caffe4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.FloatParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.caffe4j.classify.Classifier;
import org.caffe4j.detect.Detection;
import org.caffe4j.detect.Detector;
import org.caffe4j.preprocess.ImageDecoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The detection counterpart of {@link CaffeClassifier}: a Spark ML {@link Transformer} that runs a Caffe detector
 * (SSD's DetectionOutput) on images given as raw bytes, with caffe4j's own decoder, so the boxes are those of
 * {@code caffe4j detect} and of {@link Detector}, bit for bit.
 *
 * <p>Appends {@value #DETECTIONS}, an array of structs {@code (label, index, score, xmin, ymin, xmax, ymax)} in the
 * image's pixels, highest score first, and {@value #ERROR} (why an image could not be processed; detections are then
 * null): a bad image never fails the job. The model is shipped as {@link CaffeClassifier}'s is: read once on the
 * driver, broadcast as bytes, one model per executor JVM.
 */
public final class CaffeDetector extends Transformer {
    private static final long serialVersionUID = 1L;

    public static final String DETECTIONS = "detections";
    public static final String ERROR = "error";

    /** The struct of one detection. */
    public static final StructType DETECTION = new StructType(new StructField[] {
            new StructField("label", DataTypes.StringType, false, Metadata.empty()),
            new StructField("index", DataTypes.IntegerType, false, Metadata.empty()),
            new StructField("score", DataTypes.FloatType, false, Metadata.empty()),
            new StructField("xmin", DataTypes.DoubleType, false, Metadata.empty()),
            new StructField("ymin", DataTypes.DoubleType, false, Metadata.empty()),
            new StructField("xmax", DataTypes.DoubleType, false, Metadata.empty()),
            new StructField("ymax", DataTypes.DoubleType, false, Metadata.empty())});

    /** One detector per executor JVM and model bundle. */
    private static final ConcurrentHashMap<String, Detector> MODELS = new ConcurrentHashMap<>();

    private final String uid;
    private final Param<String> model;
    private final Param<String> inputCol;
    private final Param<String> pathCol;
    private final FloatParam threshold;
    private final IntParam threads;

    public CaffeDetector() {
        this(Identifiable$.MODULE$.randomUID("caffeDetector"));
    }

    public CaffeDetector(String uid) {
        this.uid = uid;
        this.model = new Param<>(this, "model", "registered detector name or a folder with a model.properties");
        this.inputCol = new Param<>(this, "inputCol", "binary column holding the encoded image");
        this.pathCol = new Param<>(this, "pathCol", "string column naming each image (used in error messages)");
        this.threshold = new FloatParam(this, "threshold", "the lowest score kept (0..1)",
                ParamValidators.inRange(0, 1));
        this.threads = new IntParam(this, "threads",
                "caffe4j worker threads per executor JVM (Spark already runs one task per core)", ParamValidators.inRange(1, 256));
        setDefault(inputCol, "content");
        setDefault(pathCol, "path");
        setDefault(threshold, 0.5f); // as `caffe4j detect`
        setDefault(threads, 1);
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

    public FloatParam threshold() {
        return threshold;
    }

    public IntParam threads() {
        return threads;
    }

    public CaffeDetector setModel(String value) {
        set(model, value);
        return this;
    }

    public CaffeDetector setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public CaffeDetector setPathCol(String value) {
        set(pathCol, value);
        return this;
    }

    public CaffeDetector setThreshold(float value) {
        set(threshold, value);
        return this;
    }

    public CaffeDetector setThreads(int value) {
        set(threads, value);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        ImageColumns.require(schema, getOrDefault(inputCol), DataTypes.BinaryType);
        ImageColumns.require(schema, getOrDefault(pathCol), DataTypes.StringType);
        ImageColumns.requireAbsent(schema, getClass().getSimpleName(), DETECTIONS, ERROR);
        return schema.add(new StructField(DETECTIONS, new ArrayType(DETECTION, false), true, Metadata.empty()))
                .add(new StructField(ERROR, DataTypes.StringType, true, Metadata.empty()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        if (!isDefined(model)) {
            throw new IllegalArgumentException("set the model (a registered name or a model folder) first");
        }
        StructType out = transformSchema(dataset.schema());
        ModelBundle bundle;
        try {
            bundle = ModelBundle.resolve(getOrDefault(model));
        } catch (IOException e) {
            throw new UncheckedIOException("model '" + getOrDefault(model) + "': " + e.getMessage(), e);
        }
        // Load it here once too: a model that cannot load fails now, on the driver, with caffe4j's message.
        detector(bundle, (Integer) getOrDefault(threads));
        Broadcast<ModelBundle> shipped = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext())
                .broadcast(bundle);
        Partition task = new Partition(shipped, dataset.schema().fieldIndex(getOrDefault(inputCol)),
                dataset.schema().fieldIndex(getOrDefault(pathCol)), (Float) getOrDefault(threshold),
                (Integer) getOrDefault(threads));
        return dataset.toDF().mapPartitions(task, Encoders.row(out));
    }

    @Override
    public CaffeDetector copy(ParamMap extra) {
        return (CaffeDetector) defaultCopy(extra);
    }

    static Detector detector(ModelBundle bundle, int threads) {
        return MODELS.computeIfAbsent(bundle.id() + "/" + threads, key -> {
            try {
                return Detector.load(bundle.spec(), Classifier.Settings.defaults().withThreads(threads)
                        .withFetchWeights(false), null);
            } catch (IOException e) {
                throw new UncheckedIOException("model '" + bundle.name() + "': " + e.getMessage(), e);
            }
        });
    }

    /** What each task runs: rows in, the same rows with the two columns added out, one image at a time. */
    private record Partition(Broadcast<ModelBundle> bundle, int contentIndex, int pathIndex, float threshold,
                             int threads) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            Detector detector = detector(bundle.value(), threads);
            int[] position = {0};
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    Row row = rows.next();
                    return ImageColumns.append(row, detect(detector, row, position[0]++));
                }
            };
        }

        private Object[] detect(Detector detector, Row row, int position) {
            String name = ImageColumns.name(row, pathIndex, position);
            if (row.isNullAt(contentIndex)) {
                return new Object[] {null, name + ": no image bytes"};
            }
            try {
                List<Detection> found = detector.detect(
                        ImageDecoder.decode((byte[]) row.get(contentIndex), name, detector.maxPixels()), threshold);
                List<Row> structs = new ArrayList<>(found.size());
                for (Detection d : found) {
                    structs.add(RowFactory.create(d.label(), d.index(), d.score(), d.xmin(), d.ymin(), d.xmax(), d.ymax()));
                }
                return new Object[] {ImageColumns.seq(structs), null};
            } catch (RuntimeException e) {
                String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                return new Object[] {null, message.startsWith(name) ? message : name + ": " + message};
            }
        }
    }
}
