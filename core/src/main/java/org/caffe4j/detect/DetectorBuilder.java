package org.caffe4j.detect;

import org.caffe4j.classify.Classifier;
import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.registry.ModelRegistry;
import org.caffe4j.registry.ModelSpec;
import org.caffe4j.runtime.Model;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Loading a {@link Detector} in one chain, as {@link org.caffe4j.classify.ClassifierBuilder} does for classifiers:
 * {@code Detector.builder().model("res10-face").threads(2).build()}, or
 * {@code Detector.builder().files(net, weights).preprocess(config).output("detection_out").build()}. A registered
 * model brings its labels, preprocessing and output blob; set ones replace them. (Setters shaped like the classifier
 * builder's on purpose; see there.)
 */
public final class DetectorBuilder {
    private ModelSpec spec;
    private String registryName;
    private Path netFile;
    private Path weightsFile;
    private List<String> labels;
    private PreprocessConfig preprocess;
    private String output;
    private Classifier.Settings settings = Classifier.Settings.defaults();
    private PrintWriter progress;

    DetectorBuilder() {
    }

    public DetectorBuilder model(String name) {
        registryName = name;
        spec = null;
        netFile = weightsFile = null;
        return this;
    }

    public DetectorBuilder model(ModelSpec modelSpec) {
        spec = modelSpec;
        registryName = null;
        netFile = weightsFile = null;
        return this;
    }

    public DetectorBuilder files(Path net, Path weights) {
        netFile = net;
        weightsFile = weights;
        spec = null;
        registryName = null;
        return this;
    }

    public DetectorBuilder labels(List<String> names) {
        labels = List.copyOf(names);
        return this;
    }

    public DetectorBuilder preprocess(PreprocessConfig config) {
        preprocess = config;
        return this;
    }

    /** The detection output blob (default: the model's, else the net's only output). */
    public DetectorBuilder output(String blob) {
        output = blob;
        return this;
    }

    /**
     * A detector for an image or two before the process ends: see {@link org.caffe4j.runtime.LoadOptions#oneShot}
     * (a pass over 5 billion multiply-adds still runs the vector kernels).
     */
    public DetectorBuilder oneShot(boolean oneShot) {
        settings = settings.withOneShot(oneShot);
        return this;
    }

    public DetectorBuilder threads(int threads) {
        settings = settings.withThreads(threads);
        return this;
    }

    public DetectorBuilder fetchWeights(boolean fetch) {
        settings = settings.withFetchWeights(fetch);
        return this;
    }

    public DetectorBuilder maxPixels(long maxPixels) {
        settings = settings.withMaxPixels(maxPixels);
        return this;
    }

    public DetectorBuilder progress(PrintWriter writer) {
        progress = writer;
        return this;
    }

    @SuppressWarnings("deprecation") // the loaders are this builder\'s implementation
    public Detector build() throws IOException {
        ModelSpec registered = spec != null ? spec
                : registryName != null ? ModelRegistry.standard(List.of()).get(registryName) : null;
        if (registered != null) {
            PreprocessConfig config = preprocess != null ? preprocess : registered.preprocess();
            Model model = Classifier.loadModel(registered, Classifier.loadOptions(settings, config), settings, progress);
            return Detector.build(model, config, labels != null ? labels : registered.labels(),
                    output != null ? output : registered.outputBlob(), settings);
        }
        if (netFile == null) {
            throw new IllegalStateException("no model to load: call model(name), model(spec) or files(...) first");
        }
        if (preprocess == null) {
            throw new IllegalStateException("your own files need a preprocessing: call preprocess(config)");
        }
        return Detector.load(netFile, weightsFile, labels != null ? labels : List.of(), preprocess, output, settings);
    }
}
