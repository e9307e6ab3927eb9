package org.caffe4j.spark;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.FloatParam;
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
public final class CaffeDetector extends ImageTransformer<CaffeDetector> {
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

    private final FloatParam threshold;

    public CaffeDetector() {
        this(Identifiable$.MODULE$.randomUID("caffeDetector"));
    }

    public CaffeDetector(String uid) {
        super(uid, "registered detector name or a folder with a model.properties");
        this.threshold = new FloatParam(this, "threshold", "the lowest score kept (0..1)",
                ParamValidators.inRange(0, 1));
        setDefault(threshold, 0.5f); // as `caffe4j detect`
    }

    public FloatParam threshold() {
        return threshold;
    }

    public CaffeDetector setThreshold(float value) {
        set(threshold, value);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return withColumns(schema, DETECTIONS, ERROR)
                .add(new StructField(DETECTIONS, new ArrayType(DETECTION, false), true, Metadata.empty()))
                .add(new StructField(ERROR, DataTypes.StringType, true, Metadata.empty()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Broadcast<ModelBundle> shipped = shipModel(dataset, CaffeDetector::detector);
        Partition task = new Partition(shipped, contentIndex(dataset), pathIndex(dataset), (Float) getOrDefault(threshold),
                threadCount());
        return dataset.toDF().mapPartitions(task, Encoders.row(out));
    }

    @Override
    public CaffeDetector copy(ParamMap extra) {
        return (CaffeDetector) defaultCopy(extra);
    }

    static Detector detector(ModelBundle bundle, int threads) {
        return MODELS.computeIfAbsent(bundle.id() + "/" + threads, key -> {
            try {
                return Detector.builder().model(bundle.spec()).threads(threads).fetchWeights(false).build();
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
