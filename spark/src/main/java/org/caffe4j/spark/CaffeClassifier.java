package org.caffe4j.spark;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.caffe4j.classify.Classifier;
import org.caffe4j.classify.Prediction;
import org.caffe4j.preprocess.ImageDecoder;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Spark ML {@link Transformer} that classifies images given as raw bytes (the {@code binaryFile} source's
 * {@code content} column), with caffe4j's own decoder (EXIF orientation, CMYK JPEGs, Caffe's resize), so the answers
 * are those of {@code caffe4j classify} and of {@link Classifier}, bit for bit.
 *
 * <p>Appends {@value #LABELS}, {@value #INDICES} and {@value #PROBABILITIES} (the top K, most probable first) and
 * {@value #ERROR} (why an image could not be classified; the other three are then null): a bad image never fails
 * the job. The model's files are read once on the driver and broadcast; each executor JVM builds one model per
 * distinct model from those bytes, in memory, and shares it between its tasks (caffe4j models are thread-safe).
 */
public final class CaffeClassifier extends ImageTransformer<CaffeClassifier> {
    private static final long serialVersionUID = 1L;

    public static final String LABELS = "labels";
    public static final String INDICES = "indices";
    public static final String PROBABILITIES = "probabilities";
    public static final String ERROR = "error";

    /** One model per executor JVM and model bundle. */
    private static final ConcurrentHashMap<String, Classifier> MODELS = new ConcurrentHashMap<>();

    private final IntParam topK;
    private final IntParam batchSize;

    public CaffeClassifier() {
        this(Identifiable$.MODULE$.randomUID("caffeClassifier"));
    }

    public CaffeClassifier(String uid) {
        super(uid, "registered model name (e.g. lenet-mnist) or a folder with a model.properties");
        this.topK = new IntParam(this, "topK", "classes kept per image, most probable first", ParamValidators.gtEq(1));
        this.batchSize = new IntParam(this, "batchSize", "images classified together (one forward pass)",
                ParamValidators.gtEq(1));
        setDefault(topK, 5);
        setDefault(batchSize, 16);
    }

    public IntParam topK() {
        return topK;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public CaffeClassifier setTopK(int value) {
        set(topK, value);
        return this;
    }

    public CaffeClassifier setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return withColumns(schema, LABELS, INDICES, PROBABILITIES, ERROR)
                .add(new StructField(LABELS, new ArrayType(DataTypes.StringType, false), true, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(INDICES, new ArrayType(DataTypes.IntegerType, false), true, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(PROBABILITIES, new ArrayType(DataTypes.FloatType, false), true, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(ERROR, DataTypes.StringType, true, org.apache.spark.sql.types.Metadata.empty()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        Broadcast<ModelBundle> shipped = shipModel(dataset, CaffeClassifier::classifier);
        Partition task = new Partition(shipped, contentIndex(dataset), pathIndex(dataset), (Integer) getOrDefault(topK),
                (Integer) getOrDefault(batchSize), threadCount());
        return dataset.toDF().mapPartitions(task, Encoders.row(out));
    }

    @Override
    public CaffeClassifier copy(ParamMap extra) {
        return (CaffeClassifier) defaultCopy(extra);
    }

    static Classifier classifier(ModelBundle bundle, int threads) {
        return MODELS.computeIfAbsent(bundle.id() + "/" + threads, key -> {
            try {
                return Classifier.builder().model(bundle.spec()).threads(threads).fetchWeights(false).build();
            } catch (IOException e) {
                throw new UncheckedIOException("model '" + bundle.name() + "': " + e.getMessage(), e);
            }
        });
    }

    /** What each task runs: rows in, the same rows with the four columns added out, a batch at a time. */
    private record Partition(Broadcast<ModelBundle> bundle, int contentIndex, int pathIndex, int topK, int batch,
                             int threads) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            Classifier classifier = classifier(bundle.value(), threads);
            return new Iterator<>() {
                private final List<Row> ready = new ArrayList<>();
                private int next;

                @Override
                public boolean hasNext() {
                    if (next < ready.size()) {
                        return true;
                    }
                    ready.clear();
                    next = 0;
                    List<Row> chunk = new ArrayList<>(batch);
                    while (chunk.size() < batch && rows.hasNext()) {
                        chunk.add(rows.next());
                    }
                    ready.addAll(classify(classifier, chunk));
                    return !ready.isEmpty();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return ready.get(next++);
                }
            };
        }

        private List<Row> classify(Classifier classifier, List<Row> chunk) {
            Object[][] added = new Object[chunk.size()][];
            List<BufferedImage> images = new ArrayList<>();
            List<Integer> decoded = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                Row row = chunk.get(i);
                String name = ImageColumns.name(row, pathIndex, i);
                if (row.isNullAt(contentIndex)) {
                    added[i] = failed(name + ": no image bytes");
                    continue;
                }
                try {
                    images.add(ImageDecoder.decode((byte[]) row.get(contentIndex), name, classifier.maxPixels()));
                    decoded.add(i);
                } catch (RuntimeException e) {
                    added[i] = failed(e.getMessage());
                }
            }
            List<List<Prediction>> predictions;
            try {
                predictions = classifier.classifyImages(images, topK);
            } catch (RuntimeException batchFailed) {
                // One image the net cannot take must not lose the others: retry them one by one.
                predictions = new ArrayList<>();
                for (BufferedImage image : images) {
                    try {
                        predictions.add(classifier.classifyImages(List.of(image), topK).get(0));
                    } catch (RuntimeException e) {
                        predictions.add(null);
                    }
                }
            }
            for (int j = 0; j < decoded.size(); j++) {
                int i = decoded.get(j);
                List<Prediction> p = predictions.get(j);
                added[i] = p == null ? failed(chunk.get(i).getString(pathIndex) + ": the net could not classify it")
                        : succeeded(p);
            }
            List<Row> out = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                out.add(ImageColumns.append(chunk.get(i), added[i]));
            }
            return out;
        }

        private static Object[] succeeded(List<Prediction> predictions) {
            List<String> labels = new ArrayList<>();
            List<Integer> indices = new ArrayList<>();
            List<Float> probabilities = new ArrayList<>();
            for (Prediction p : predictions) {
                labels.add(p.label());
                indices.add(p.index());
                probabilities.add(p.probability());
            }
            return new Object[] {ImageColumns.seq(labels), ImageColumns.seq(indices), ImageColumns.seq(probabilities), null};
        }

        private static Object[] failed(String message) {
            return new Object[] {null, null, null, message};
        }
    }
}
