package org.caffe4j.classify;

import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.registry.ModelRegistry;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.registry.ModelSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything about loading a {@link Classifier} in one place, in the spirit of DJL's {@code Criteria}: the source
 * (a registered model name, a {@link ModelSpec}, files or streams), then what to change (labels, preprocessing,
 * output blob) and how to run (threads, oversampling, image size limit, fetching weights).
 * <pre>{@code
 * Classifier c = Classifier.builder().model("lenet-mnist").threads(2).build();
 * Classifier d = Classifier.builder().files(net, weights).labels(labels).preprocess(config).output("prob").build();
 * }</pre>
 * A registered model brings its labels, preprocessing and output blob; set ones replace them. Files and streams
 * need a preprocessing; without labels, classes are named by their index. Its setters have the same shape as
 * {@link org.caffe4j.runtime.ModelBuilder}'s and {@link org.caffe4j.detect.DetectorBuilder}'s on purpose: each
 * builder is one flat chain for its users, with no shared generic base type to learn.
 */
public final class ClassifierBuilder {
    private String registryName;
    private ModelSpec spec;
    private Path netFile;
    private Path weightsFile;
    private InputStream netStream;
    private InputStream weightsStream;
    private List<String> labels;
    private PreprocessConfig preprocess;
    private String output;
    private Classifier.Settings settings = Classifier.Settings.defaults();
    private PrintWriter progress;

    ClassifierBuilder() {
    }

    private void clearSource() {
        registryName = null;
        spec = null;
        netFile = weightsFile = null;
        netStream = weightsStream = null;
    }

    /** A registered model by name ({@link ModelRegistry#standard}: ./models, $CAFFE4J_MODELS, the jar's). */
    public ClassifierBuilder model(String name) {
        clearSource();
        this.registryName = name;
        return this;
    }

    /** A model described by a manifest (e.g. {@code ModelSpec.fromFiles} for one held in memory). */
    public ClassifierBuilder model(ModelSpec spec) {
        clearSource();
        this.spec = spec;
        return this;
    }

    /** Your own net definition and weights. */
    public ClassifierBuilder files(Path net, Path weights) {
        clearSource();
        this.netFile = net;
        this.weightsFile = weights;
        return this;
    }

    /** Your own net definition and weights as streams (read by {@link #build}; the caller closes them). */
    public ClassifierBuilder streams(InputStream net, InputStream weights) {
        clearSource();
        this.netStream = net;
        this.weightsStream = weights;
        return this;
    }

    public ClassifierBuilder labels(List<String> labels) {
        this.labels = List.copyOf(labels);
        return this;
    }

    /** Labels from a file, one per line. */
    public ClassifierBuilder labels(Path file) throws IOException {
        return labels(Classifier.readLabels(file));
    }

    public ClassifierBuilder preprocess(PreprocessConfig config) {
        this.preprocess = config;
        return this;
    }

    /** The blob holding the scores (default: the model's, else the net's only output). */
    public ClassifierBuilder output(String blob) {
        this.output = blob;
        return this;
    }

    /** Worker threads for one forward pass (default: all cores). */
    public ClassifierBuilder threads(int threads) {
        settings = settings.withThreads(threads);
        return this;
    }

    /** Classify 10 crops per image (corners, centre, mirrored) and average them, as Caffe's classify.py. */
    public ClassifierBuilder oversample(boolean oversample) {
        settings = settings.withOversample(oversample);
        return this;
    }

    /** Whether a registered model's missing weights may be downloaded (default: yes). */
    public ClassifierBuilder fetchWeights(boolean fetch) {
        settings = settings.withFetchWeights(fetch);
        return this;
    }

    /** The largest width x height an image may declare (default: sized to the heap). */
    public ClassifierBuilder maxPixels(long maxPixels) {
        settings = settings.withMaxPixels(maxPixels);
        return this;
    }

    /** Where a download draws its progress bar (default: none). */
    /** A classifier for a pass or two before the process ends (a few images): see {@link LoadOptions#oneShot}. */
    public ClassifierBuilder oneShot(boolean oneShot) {
        settings = settings.withOneShot(oneShot);
        return this;
    }

    public ClassifierBuilder progress(PrintWriter progress) {
        this.progress = progress;
        return this;
    }

    @SuppressWarnings("deprecation") // the loaders are this builder\'s implementation
    public Classifier build() throws IOException {
        ModelSpec registered = spec != null ? spec
                : registryName != null ? ModelRegistry.standard(List.of()).get(registryName) : null;
        if (registered != null) {
            if (labels == null && preprocess == null && output == null) {
                return Classifier.load(registered, settings, progress);
            }
            return Classifier.load(registered, labels != null ? labels : registered.labels(),
                    preprocess != null ? preprocess : registered.preprocess(),
                    output != null ? output : registered.outputBlob(), settings, progress);
        }
        if (netFile == null && netStream == null) {
            throw new IllegalStateException("no model to load: call model(name), model(spec), files(...) or "
                    + "streams(...) first");
        }
        if (preprocess == null) {
            throw new IllegalStateException("your own files need a preprocessing: call preprocess(config)");
        }
        List<String> names = labels != null ? labels : List.of();
        return netFile != null ? Classifier.load(netFile, weightsFile, names, preprocess, output, settings)
                : Classifier.load(netStream, weightsStream, names, preprocess, output, settings);
    }
}
