package org.caffe4j.classify;

import org.caffe4j.ShapeException;
import org.caffe4j.fetch.WeightsFetcher;
import org.caffe4j.files.RegularFiles;
import org.caffe4j.preprocess.ImageDecoder;
import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.preprocess.Preprocessor;
import org.caffe4j.registry.ModelRegistry;
import org.caffe4j.registry.ModelSpec;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.ModelFiles;
import org.caffe4j.runtime.Tensor;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Image classification with a Caffe model: preprocessing ({@link Preprocessor}), a forward pass ({@link Model}),
 * Softmax when the output blob holds scores, and the top-K labels. Immutable and thread-safe: one instance serves
 * any number of threads. Close it to stop the model's worker threads.
 *
 * <pre>{@code
 * try (Classifier c = Classifier.load("lenet-mnist")) {
 *     List<Prediction> top = c.classify(Path.of("digit.pgm"), 3);
 * }
 * }</pre>
 */
public final class Classifier implements AutoCloseable {
    /**
     * @param threads      worker threads for one forward pass
     * @param oversample   classify 10 crops per image (corners, centre, mirrored) and average their probabilities
     * @param fetchWeights download a registered model's weights on first use
     * @param maxPixels    largest width × height an image file may declare; larger ones are refused before
     *                     decoding (default {@link ImageDecoder#defaultMaxPixels()}, sized to the heap)
     * @param oneShot      the classifier runs only a pass or two (a few images, then the process ends): see
     *                     {@link LoadOptions#oneShot}
     */
    public record Settings(int threads, boolean oversample, boolean fetchWeights, long maxPixels, boolean oneShot) {
        public Settings {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            if (maxPixels < 1) {
                throw new IllegalArgumentException("maxPixels must be at least 1, got " + maxPixels);
            }
        }

        /** The settings as they were before {@link #oneShot} existed (not one-shot). */
        public Settings(int threads, boolean oversample, boolean fetchWeights, long maxPixels) {
            this(threads, oversample, fetchWeights, maxPixels, false);
        }

        public static Settings defaults() {
            return new Settings(Runtime.getRuntime().availableProcessors(), false, true,
                    ImageDecoder.defaultMaxPixels(), false);
        }

        public Settings withThreads(int n) {
            return new Settings(n, oversample, fetchWeights, maxPixels, oneShot);
        }

        public Settings withOversample(boolean b) {
            return new Settings(threads, b, fetchWeights, maxPixels, oneShot);
        }

        public Settings withFetchWeights(boolean b) {
            return new Settings(threads, oversample, b, maxPixels, oneShot);
        }

        public Settings withMaxPixels(long n) {
            return new Settings(threads, oversample, fetchWeights, n, oneShot);
        }

        public Settings withOneShot(boolean b) {
            return new Settings(threads, oversample, fetchWeights, maxPixels, b);
        }
    }

    private final Model model;
    private final Preprocessor preprocessor;
    private final List<String> labels;
    private final String inputBlob;
    private final String outputBlob;
    private final boolean applySoftmax;
    private final boolean oversample;
    private final long maxPixels;

    private Classifier(Model model, PreprocessConfig config, List<String> labels, String outputBlob, Boolean softmax,
                       Settings settings) {
        this.model = model;
        boolean oversample = settings.oversample();
        this.maxPixels = settings.maxPixels();
        this.preprocessor = new Preprocessor(sizedFor(model, config));
        this.labels = List.copyOf(labels);
        this.oversample = oversample;
        if (model.inputNames().size() != 1) {
            throw new ShapeException("a classifier needs a net with one input; this one has " + model.inputNames());
        }
        if (oversample && !preprocessor.config().hasCrop()) {
            throw new IllegalArgumentException("oversampling needs a crop size smaller than the resize (e.g. resize 256,"
                    + " crop 224); the preprocessing is " + preprocessor.config().describe());
        }
        if (oversample) {
            long values = Preprocessor.times(Preprocessor.OVERSAMPLE_CROPS,
                    Preprocessor.valuesPerImage(preprocessor.config()));
            Preprocessor.requireFits("oversampling crop " + preprocessor.config().cropWidth() + "x"
                    + preprocessor.config().cropHeight(), Preprocessor.floatBytes(values), values);
        }
        this.inputBlob = model.inputNames().get(0);
        this.outputBlob = outputBlob != null ? outputBlob : soleOutput(model);
        if (!model.describe().hasBlob(this.outputBlob)) {
            throw new ShapeException("the net has no blob '" + this.outputBlob + "' (its outputs: " + model.outputNames() + ")");
        }
        this.applySoftmax = softmax != null ? softmax : !producedBySoftmax(model, this.outputBlob);
        int[] declared = model.inputShape(inputBlob);
        if (declared.length == 4 && declared[1] != config.channels()) {
            throw new ShapeException("the net's input '" + inputBlob + "' has " + declared[1]
                    + " channels but the preprocessing makes " + config.channels());
        }
    }

    /**
     * Without a resize or crop, images are resized to the net's declared input size, as Caffe's C++ classification
     * example does.
     */
    public static PreprocessConfig sizedFor(Model model, PreprocessConfig config) {
        if (config.hasResize() || config.hasCrop() || model.inputNames().size() != 1) {
            return config;
        }
        int[] declared = model.inputShape(model.inputNames().get(0));
        if (declared.length == 4 && declared[2] > 0 && declared[3] > 0) {
            return config.toBuilder().resize(declared[3], declared[2]).build();
        }
        return config;
    }

    /** Loading in one chain: {@code Classifier.builder().model("lenet-mnist").threads(2).build()}. */
    public static ClassifierBuilder builder() {
        return new ClassifierBuilder();
    }

    /** A registered model by name (see {@link ModelRegistry#standard}), default settings. */
    public static Classifier load(String registryName) throws IOException {
        return load(registryName, Settings.defaults());
    }

    @Deprecated(since = "0.1.0") // use builder(): one chain for every source and setting
    public static Classifier load(String registryName, Settings settings) throws IOException {
        ModelRegistry registry = ModelRegistry.standard(List.of());
        return load(registry.get(registryName), settings, null);
    }

    /**
     * A registered model; weights not in the cache are downloaded first when {@code settings.fetchWeights()}
     * (a progress bar drawn on {@code progress}, or none when null).
     */
    @Deprecated(since = "0.1.0") // use builder(): one chain for every source and setting
    public static Classifier load(ModelSpec spec, Settings settings, PrintWriter progress) throws IOException {
        Model model = loadModel(spec, loadOptions(settings, spec.preprocess()), settings, progress);
        return build(model, spec.preprocess(), spec.labels(), spec.outputBlob(), spec.softmax(), settings);
    }

    /**
     * A registered model's net and weights with other labels, preprocessing or output blob ({@code outputBlob} null:
     * the net's only output; Softmax applied unless that blob comes from a Softmax layer).
     */
    @Deprecated(since = "0.1.0") // use builder(): one chain for every source and setting
    public static Classifier load(ModelSpec spec, List<String> labels, PreprocessConfig config, String outputBlob,
                                  Settings settings, PrintWriter progress) throws IOException {
        Model model = loadModel(spec, loadOptions(settings, config), settings, progress);
        return build(model, config, labels, outputBlob, null, settings);
    }

    /**
     * A registered model's net and weights (fetched first when allowed and needed), read where they are: classpath
     * and in-memory models are never extracted to disk. {@link org.caffe4j.detect.Detector} loads through it too.
     */
    public static Model loadModel(ModelSpec spec, LoadOptions options, Settings settings, PrintWriter progress)
            throws IOException {
        if (spec.filesOnDisk()) {
            return Model.load(spec.definitionPath(), weightsFor(spec, settings, progress), options);
        }
        // Classpath and in-memory models are read where they are: nothing is extracted to disk.
        if (spec.weightsShipped()) {
            try (InputStream net = spec.openDefinition(); InputStream w = spec.openWeights()) {
                return Model.of(ModelFiles.importModel(net, spec.describe(spec.definitionFile()), w,
                        spec.describe(spec.weights().file()), options), options);
            }
        }
        Path weights = weightsFor(spec, settings, progress);
        try (InputStream net = spec.openDefinition(); InputStream w = Files.newInputStream(weights)) {
            return Model.of(ModelFiles.importModel(net, spec.describe(spec.definitionFile()), w, weights.toString(),
                    options), options);
        }
    }

    /**
     * The weights file of a registered model: shipped, cached, or downloaded now into the cache when
     * {@code settings.fetchWeights()} (a progress bar on {@code progress}, none when null).
     */
    public static Path weightsFor(ModelSpec spec, Settings settings, PrintWriter progress) throws IOException {
        Path weights = spec.weightsPath();
        if (Files.isRegularFile(weights)) {
            return weights;
        }
        if (!settings.fetchWeights() || !spec.weights().downloadable()) {
            throw new java.io.FileNotFoundException("weights of model '" + spec.name() + "' are not in the cache ("
                    + weights + "); run: caffe4j fetch " + spec.name());
        }
        Path cache = weights.getParent().getParent();
        WeightsFetcher.Options options = new WeightsFetcher.Options(false, false, progress != null);
        return new WeightsFetcher(cache, progress).fetch(spec.name(), spec.weights(), options).file();
    }

    /**
     * Your own files. {@code outputBlob} null = the net's only output; Softmax is applied unless that blob is
     * produced by a Softmax layer.
     */
    @Deprecated(since = "0.1.0") // use builder(): one chain for every source and setting
    public static Classifier load(Path net, Path weights, List<String> labels, PreprocessConfig config, String outputBlob,
                                  Settings settings) throws IOException {
        Model model = Model.load(net, weights, loadOptions(settings, config));
        return build(model, config, labels, outputBlob, null, settings);
    }

    /** Like {@link #load(Path, Path, List, PreprocessConfig, String, Settings)}, reading the files from streams. */
    @Deprecated(since = "0.1.0") // use builder(): one chain for every source and setting
    public static Classifier load(InputStream net, InputStream weights, List<String> labels, PreprocessConfig config,
                                  String outputBlob, Settings settings) throws IOException {
        Model model = Model.load(net, weights, loadOptions(settings, config));
        return build(model, config, labels, outputBlob, null, settings);
    }

    /** A model packaged in the jar (classpath {@code caffe4j/models/<name>/}), ignoring model folders on disk. */
    public static Classifier fromClasspath(String name, Settings settings) throws IOException {
        ModelRegistry registry = ModelRegistry.of(List.of(), true, org.caffe4j.registry.CacheDir.defaultRoot());
        return load(registry.get(name), settings, null);
    }

    /** Reads a labels file: one label per line, trailing blank lines ignored. */
    public static List<String> readLabels(Path file) throws IOException {
        RegularFiles.require(file);
        return ModelSpec.parseLabels(Files.readString(file));
    }

    /** Load options for these settings; nets fed by a Data layer get their channel count from the preprocessing. */
    public static LoadOptions loadOptions(Settings settings, PreprocessConfig config) {
        return LoadOptions.defaults().withThreads(settings.threads()).withChannels(config.channels())
                .withOneShot(settings.oneShot());
    }

    private static Classifier build(Model model, PreprocessConfig config, List<String> labels, String output,
                                    Boolean softmax, Settings settings) {
        try {
            return new Classifier(model, config, labels, output, softmax, settings);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static String soleOutput(Model model) {
        List<String> outputs = model.outputNames();
        if (outputs.size() != 1) {
            throw new ShapeException("the net has " + outputs.size() + " outputs " + outputs + "; name the one to classify with");
        }
        return outputs.get(0);
    }

    private static boolean producedBySoftmax(Model model, String blob) {
        return model.describe().lastWriter(blob).map(l -> l.type().equals("Softmax")).orElse(false);
    }

    public Preprocessor preprocessor() {
        return preprocessor;
    }

    public List<String> labels() {
        return labels;
    }

    public String outputBlob() {
        return outputBlob;
    }

    /** Whether a Softmax is applied to the output blob (false when the net already ends in one). */
    public boolean appliesSoftmax() {
        return applySoftmax;
    }

    public boolean oversamples() {
        return oversample;
    }

    /** The largest width × height an image file may declare (see {@link Settings#maxPixels()}). */
    public long maxPixels() {
        return maxPixels;
    }

    /** Decodes an image file under this classifier's pixel limit; failures are {@link org.caffe4j.preprocess.ImageDecodeException}s. */
    public BufferedImage read(Path imageFile) {
        return ImageDecoder.read(imageFile, maxPixels);
    }

    public Model model() {
        return model;
    }

    public List<Prediction> classify(BufferedImage image, int topK) {
        return classifyImages(List.of(image), topK).get(0);
    }

    public List<Prediction> classify(Path imageFile, int topK) {
        return classifyImages(List.of(read(imageFile)), topK).get(0);
    }

    /** Decodes the files and classifies them as one batch; an unreadable file fails the call, naming the file. */
    public List<List<Prediction>> classifyFiles(List<Path> files, int topK) {
        List<BufferedImage> images = new ArrayList<>(files.size());
        for (Path f : files) {
            images.add(read(f));
        }
        return classifyImages(images, topK);
    }

    /** Classifies the images as one batch; returns the top-K predictions per image, most probable first. */
    public List<List<Prediction>> classifyImages(List<BufferedImage> images, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("top K must be at least 1, got " + topK);
        }
        float[][] probabilities = probabilities(images);
        List<List<Prediction>> out = new ArrayList<>(images.size());
        for (float[] p : probabilities) {
            out.add(top(p, topK));
        }
        return out;
    }

    /** Class probabilities per image (averaged over the 10 crops when oversampling). */
    public float[][] probabilities(List<BufferedImage> images) {
        if (images.isEmpty()) {
            return new float[0][];
        }
        int crops = oversample ? Preprocessor.OVERSAMPLE_CROPS : 1;
        float[] input;
        if (oversample) {
            float[] first = preprocessor.oversample(images.get(0));
            long values = Preprocessor.times(first.length, images.size());
            Preprocessor.requireFits("a batch of " + images.size() + " oversampled images",
                    Preprocessor.floatBytes(values), values);
            input = new float[first.length * images.size()];
            System.arraycopy(first, 0, input, 0, first.length);
            for (int i = 1; i < images.size(); i++) {
                float[] one = preprocessor.oversample(images.get(i));
                System.arraycopy(one, 0, input, i * first.length, one.length);
            }
        } else {
            input = preprocessor.applyBatch(images);
        }
        int rows = images.size() * crops;
        int per = input.length / rows;
        int[] shape = inputShapeFor(rows, per);
        Map<String, Tensor> result = model.run(Map.of(inputBlob, new Tensor(shape, input)), Set.of(outputBlob));
        Tensor scores = result.get(outputBlob);
        int classes = scores.data().length / rows;
        if (!labels.isEmpty() && labels.size() != classes) {
            throw new ShapeException("the labels list has " + labels.size() + " entries but blob '" + outputBlob
                    + "' has " + classes + " classes");
        }
        float[][] out = new float[images.size()][classes];
        for (int r = 0; r < rows; r++) {
            float[] row = Arrays.copyOfRange(scores.data(), r * classes, (r + 1) * classes);
            if (applySoftmax) {
                softmaxInPlace(row);
            }
            float[] acc = out[r / crops];
            for (int k = 0; k < classes; k++) {
                acc[k] += row[k] / crops;
            }
        }
        return out;
    }

    private int[] inputShapeFor(int rows, int per) {
        int[] shape = preprocessor.inputShape(rows);
        if (shape == null) {
            // No resize or crop configured: keep the net's declared spatial size and check the image fits it.
            int[] declared = model.inputShape(inputBlob);
            shape = declared.clone();
            shape[0] = rows;
        }
        long count = 1;
        for (int i = 1; i < shape.length; i++) {
            count *= shape[i];
        }
        if (count != per) {
            throw new ShapeException("preprocessed images have " + per + " values each, but input '" + inputBlob
                    + "' of shape " + Arrays.toString(shape) + " needs " + count + "; set a resize or crop");
        }
        return shape;
    }

    private List<Prediction> top(float[] p, int k) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Highest probability first; equal probabilities in class order.
        Arrays.sort(order, (a, b) -> p[a] != p[b] ? Float.compare(p[b], p[a]) : Integer.compare(a, b));
        List<Prediction> out = new ArrayList<>(Math.min(k, p.length));
        for (int i = 0; i < Math.min(k, p.length); i++) {
            int c = order[i];
            out.add(new Prediction(labels.isEmpty() ? Integer.toString(c) : labels.get(c), c, p[c]));
        }
        return Collections.unmodifiableList(out);
    }

    /** Numerically stable Softmax (subtract the max before exp), as Caffe's SoftmaxLayer. */
    static void softmaxInPlace(float[] v) {
        float max = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / sum);
        }
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "Classifier[" + inputBlob + " → " + outputBlob + (applySoftmax ? " + Softmax" : "") + ", "
                + preprocessor.config().describe() + (oversample ? ", oversample" : "") + "]";
    }
}
