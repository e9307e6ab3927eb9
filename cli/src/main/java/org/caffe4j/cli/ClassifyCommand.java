package org.caffe4j.cli;

import org.caffe4j.classify.Classifier;
import org.caffe4j.classify.ClassifierBuilder;
import org.caffe4j.classify.Prediction;
import org.caffe4j.fetch.ProgressBar;
import org.caffe4j.preprocess.ChannelOrder;
import org.caffe4j.preprocess.ImageDecodeException;
import org.caffe4j.preprocess.Mean;
import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.preprocess.Preprocessor;
import org.caffe4j.registry.ModelSpec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "classify", mixinStandardHelpOptions = true, description = {
        "Classify images with a registered model (--model NAME) or your own NET WEIGHTS files.",
        "Folders are walked recursively (links to files followed, links to folders not). An unreadable image, and "
                + "every folder entry that is not a regular file (FIFO, socket, device, broken link, link loop, link to a "
                + "folder), is reported as 'error: PATH: ...' "
                + "and skipped; the exit code is then 2. A registered model's weights are downloaded on first use."})
final class ClassifyCommand implements Callable<Integer> {
    /** File name endings taken from folders (a file named on the command line is always tried). */
    @Option(names = "--model", paramLabel = "NAME", description = "registered model (e.g. nin-imagenet, lenet-mnist, cifar10-quick)")
    String model;

    @Parameters(paramLabel = "[NET WEIGHTS] IMAGE|DIR", arity = "1..*",
            description = "without --model, the first two are the net definition and the .caffemodel")
    List<String> arguments;

    @Option(names = "--labels", paramLabel = "FILE", description = "labels, one per line (default: the model's, else class indices)")
    Path labels;

    @Option(names = "--output", paramLabel = "BLOB", description = "blob holding the scores (default: the model's, else the net's only output)")
    String output;

    @ArgGroup(exclusive = true)
    MeanChoice mean;

    static final class MeanChoice {
        @Option(names = "--mean", paramLabel = "V[,V,V]", description = "per-channel mean, in the net's channel order")
        String values;

        @Option(names = "--mean-file", paramLabel = "FILE", description = "mean image (.binaryproto or .npy)")
        Path file;
    }

    @Option(names = "--scale", paramLabel = "S", description = "multiply after mean subtraction (Caffe transform_param.scale)")
    Float scale;

    @Option(names = "--raw-scale", paramLabel = "R", description = "pixel range before the mean (classify.py --raw_scale; default 255)")
    Float rawScale;

    @Option(names = "--resize", paramLabel = "WxH", description = "resize (OpenCV INTER_LINEAR rule) before cropping")
    String resize;

    @Option(names = "--crop", paramLabel = "WxH", description = "centre crop after resizing")
    String crop;

    @Option(names = "--channels", paramLabel = "1|3", description = "grey (1) or colour (3) input")
    Integer channels;

    @Option(names = "--order", paramLabel = "BGR|RGB", description = "colour channel order of the net (Caffe default BGR)")
    ChannelOrder order;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "predictions per image (default ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--oversample", description = "average 10 crops (corners, centre, mirrored), as Caffe's classify.py")
    boolean oversample;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "8", description = "images per forward pass (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--threads", paramLabel = "T", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--max-pixels", paramLabel = "N",
            description = "refuse images whose header declares more than N pixels (width x height), before decoding "
                    + "(default: what fits, at 20 bytes a pixel, in half the heap)")
    Long maxPixels;

    @Option(names = "--json", description = "one JSON object per image and line (JSON Lines)")
    boolean json;

    @Option(names = "--csv", description = "CSV: file,rank,index,label,probability")
    boolean csv;

    @Mixin
    RegistryOptions registryOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (json && csv) {
            throw new IllegalArgumentException("choose one of --json and --csv");
        }
        validateOptions();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Classifier.Settings settings = Classifier.Settings.defaults().withOversample(oversample);
        if (threads != null) {
            settings = settings.withThreads(threads);
        }
        if (maxPixels != null) {
            settings = settings.withMaxPixels(maxPixels);
        }
        List<String> inputs;
        if (model != null) {
            inputs = arguments;
        } else {
            if (arguments.size() < 3) {
                throw new IllegalArgumentException("give --model NAME, or NET WEIGHTS followed by images");
            }
            inputs = arguments.subList(2, arguments.size());
        }
        ImageInputs found = ImageInputs.collect(inputs);
        // Images for one forward pass, then the process ends: the one-shot kernels answer before the JIT has
        // compiled vector ones (LoadOptions.oneShot).
        settings = settings.withOneShot(found.files().size() <= batch);
        Classifier classifier;
        if (model != null) {
            ModelSpec m = registryOptions.registry().get(model);
            PreprocessConfig config = hasOverrides() ? overrides(m.preprocess()) : m.preprocess();
            checkBuffersFit(config);
            if (!m.weightsShipped() && !Files.isRegularFile(m.weightsPath())) {
                err.println("fetching the weights of " + m.name() + " from " + m.weights().url());
                err.flush();
            }
            ClassifierBuilder builder = builder(settings).model(m).progress(registryOptions.progress() ? err : null);
            if (hasOverrides()) {
                builder.labels(labels != null ? Classifier.readLabels(labels) : m.labels()).preprocess(config)
                        .output(output != null ? output : m.outputBlob());
            }
            classifier = builder.build();
        } else {
            PreprocessConfig config = overrides(PreprocessConfig.builder().build());
            checkBuffersFit(config);
            classifier = builder(settings).files(Path.of(arguments.get(0)), Path.of(arguments.get(1)))
                    .labels(labels != null ? Classifier.readLabels(labels) : List.of()).preprocess(config).output(output)
                    .build();
        }
        try (Classifier c = classifier) {
            return classifyAll(c, found, out, err);
        }
    }

    /** The public loading builder with the command's settings. */
    private static ClassifierBuilder builder(Classifier.Settings settings) {
        return Classifier.builder().threads(settings.threads()).oversample(settings.oversample())
                .fetchWeights(settings.fetchWeights()).maxPixels(settings.maxPixels()).oneShot(settings.oneShot());
    }

    private boolean hasOverrides() {
        return labels != null || output != null || mean != null || scale != null || rawScale != null
                || resize != null || crop != null || channels != null || order != null;
    }

    /** Refuses option values that are out of range, naming the option and the value. */
    private void validateOptions() {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be at least 1, got " + top);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (maxPixels != null && maxPixels < 1) {
            throw new IllegalArgumentException("--max-pixels must be at least 1, got " + maxPixels);
        }
        if (channels != null && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("--channels must be 1 (grey) or 3 (colour), got " + channels);
        }
        checkPositiveFinite("--scale", scale);
        checkPositiveFinite("--raw-scale", rawScale);
    }

    private static void checkPositiveFinite(String option, Float value) {
        if (value != null && (!(value > 0) || !Float.isFinite(value))) {
            throw new IllegalArgumentException(option + " must be positive and finite, got " + value);
        }
    }

    /** The base preprocessing with the command-line options applied; every error names its option. */
    private PreprocessConfig overrides(PreprocessConfig base) throws IOException {
        PreprocessConfig.Builder b = base.toBuilder();
        int effectiveChannels = channels != null ? channels : base.channels();
        if (channels != null) {
            b.channels(channels);
        }
        if (order != null) {
            b.channelOrder(order);
        }
        int[] resizeTo = base.hasResize() ? new int[]{base.resizeWidth(), base.resizeHeight()} : null;
        if (resize != null) {
            resizeTo = ModelSpec.parseSize(resize, "--resize");
            b.resize(resizeTo[0], resizeTo[1]);
        }
        int[] cropTo = base.hasCrop() ? new int[]{base.cropWidth(), base.cropHeight()} : null;
        if (crop != null) {
            cropTo = ModelSpec.parseSize(crop, "--crop");
            b.crop(cropTo[0], cropTo[1]);
        }
        if (resizeTo != null && cropTo != null && (cropTo[0] > resizeTo[0] || cropTo[1] > resizeTo[1])) {
            throw new IllegalArgumentException((crop != null ? "--crop " : "crop ") + cropTo[0] + "x" + cropTo[1]
                    + " is larger than the " + (resize != null ? "--resize " : "resize ") + resizeTo[0] + "x"
                    + resizeTo[1]);
        }
        if (mean != null) {
            Mean m;
            String option;
            if (mean.file != null) {
                m = Mean.read(mean.file);
                option = "--mean-file " + mean.file;
            } else {
                m = Mean.perChannel(ModelSpec.floats(mean.values, "--mean"));
                option = "--mean '" + mean.values + "'";
            }
            if (m.channels() != effectiveChannels) {
                throw new IllegalArgumentException(option + " has " + m.channels() + " channel(s), the input has "
                        + effectiveChannels + " (--channels)");
            }
            b.mean(m);
        }
        if (scale != null) {
            b.scale(scale);
        }
        if (rawScale != null) {
            b.rawScale(rawScale);
        }
        return b.build();
    }

    /**
     * Refuses, before the model is loaded, preprocessing buffers that cannot fit in the heap, naming the option that
     * sizes them: the resized image, the crops of one image, a whole batch.
     */
    private void checkBuffersFit(PreprocessConfig config) {
        long channels = config.channels();
        if (config.hasResize()) {
            long values = Preprocessor.times(channels, config.resizeWidth(), config.resizeHeight());
            Preprocessor.requireFits("--resize " + config.resizeWidth() + "x" + config.resizeHeight(),
                    Preprocessor.floatBytes(values), values);
        }
        int crops = oversample ? Preprocessor.OVERSAMPLE_CROPS : 1;
        if (config.hasCrop()) {
            long values = Preprocessor.times(crops, channels, config.cropWidth(), config.cropHeight());
            Preprocessor.requireFits("--crop " + config.cropWidth() + "x" + config.cropHeight()
                    + (oversample ? " with --oversample" : ""), Preprocessor.floatBytes(values), values);
        }
        long perImage = Preprocessor.valuesPerImage(config);
        if (perImage > 0) {
            long values = Preprocessor.times(batch, crops, perImage);
            Preprocessor.requireFits("--batch " + batch + " of " + Preprocessor.times(perImage, crops)
                    + " values per image", Preprocessor.floatBytes(values), values);
        }
    }

    private int classifyAll(Classifier c, ImageInputs inputsFound, PrintWriter out, PrintWriter err)
            throws IOException {
        List<Path> files = inputsFound.files();
        Map<Path, String> skipped = inputsFound.skipped();
        boolean walkedFolder = inputsFound.walkedFolder();
        // Reported before any result: nothing here is ever opened, so none of it can hold up the rest.
        for (Map.Entry<Path, String> e : skipped.entrySet()) {
            err.println("error: " + e.getKey() + ": " + e.getValue());
        }
        int failures = skipped.size();
        if (csv) {
            out.println(Prediction.CSV_HEADER);
        }
        ProgressBar bar = ProgressBar.forItems(walkedFolder && registryOptions.progress() ? err : null, "images",
                files.size());
        int done = 0;
        for (int start = 0; start < files.size(); start += batch) {
            List<Path> chunk = files.subList(start, Math.min(files.size(), start + batch));
            List<Path> decodedFiles = new ArrayList<>();
            List<BufferedImage> images = new ArrayList<>();
            for (Path f : chunk) {
                try {
                    images.add(c.read(f));
                    decodedFiles.add(f);
                } catch (ImageDecodeException e) {
                    err.println("error: " + e.getMessage());
                    failures++;
                }
            }
            if (!images.isEmpty()) {
                failures += classifyBatch(c, decodedFiles, images, out, err);
            }
            out.flush();
            err.flush();
            done += chunk.size();
            bar.update(done);
        }
        bar.finish();
        if (failures > 0) {
            err.println("error: " + failures + " of " + (files.size() + skipped.size())
                    + " images could not be classified");
            return Main.EXIT_BAD_INPUT;
        }
        return 0;
    }

    /**
     * Classifies one batch; when the batch fails (an image too small for the crop, too large for the heap, say),
     * retries image by image so that only the bad ones are reported and the others are printed in input order.
     * Returns the number of failures.
     */
    private int classifyBatch(Classifier c, List<Path> files, List<BufferedImage> images, PrintWriter out,
                              PrintWriter err) {
        try {
            List<List<Prediction>> results = c.classifyImages(images, top);
            for (int i = 0; i < images.size(); i++) {
                print(out, files.get(i), results.get(i));
            }
            return 0;
        } catch (RuntimeException | OutOfMemoryError e) {
            // Any one image may be the cause (preprocessing ImageIO's more exotic colour models can throw anything),
            // and the batch's buffers are garbage once the exception is out, so image by image is safe to retry.
            if (images.size() == 1) {
                err.println("error: " + files.get(0) + ": " + Main.describe(e));
                return 1;
            }
        }
        int failures = 0;
        for (int i = 0; i < images.size(); i++) {
            failures += classifyBatch(c, List.of(files.get(i)), List.of(images.get(i)), out, err);
        }
        return failures;
    }


    private void print(PrintWriter out, Path file, List<Prediction> predictions) {
        if (json) {
            List<Object> list = new ArrayList<>();
            for (Prediction p : predictions) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", p.index());
                m.put("label", p.label());
                m.put("probability", Double.parseDouble(Float.toString(p.probability())));
                list.add(m);
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("file", file.toString());
            line.put("predictions", list);
            out.println(JsonWriter.write(line));
        } else if (csv) {
            for (int r = 0; r < predictions.size(); r++) {
                Prediction p = predictions.get(r);
                out.println(p.csvRow(file.toString(), r + 1));
            }
        } else {
            out.println(file);
            for (Prediction p : predictions) {
                out.printf(Locale.ROOT, "  %.4f  %s%n", p.probability(), p.label());
            }
        }
    }
}
