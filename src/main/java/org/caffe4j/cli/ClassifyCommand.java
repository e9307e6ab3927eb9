package org.caffe4j.cli;

import org.caffe4j.classify.Classifier;
import org.caffe4j.classify.Prediction;
import org.caffe4j.fetch.ProgressBar;
import org.caffe4j.preprocess.ChannelOrder;
import org.caffe4j.preprocess.ImageDecodeException;
import org.caffe4j.preprocess.ImageDecoder;
import org.caffe4j.preprocess.Mean;
import org.caffe4j.preprocess.PreprocessConfig;
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
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "classify", mixinStandardHelpOptions = true, description = {
        "Classify images with a registered model (--model NAME) or your own NET WEIGHTS files.",
        "Folders are walked recursively. An unreadable image is reported as 'error: FILE: ...' and skipped; the exit "
                + "code is then 2. A registered model's weights are downloaded on first use."})
final class ClassifyCommand implements Callable<Integer> {
    /** File name endings taken from folders (a file named on the command line is always tried). */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "pgm", "ppm", "pnm");

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
        if (top < 1 || batch < 1) {
            throw new IllegalArgumentException("--top and --batch must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Classifier.Settings settings = Classifier.Settings.defaults().withOversample(oversample);
        if (threads != null) {
            settings = settings.withThreads(threads);
        }
        List<String> inputs;
        Classifier classifier;
        if (model != null) {
            inputs = arguments;
            ModelSpec m = registryOptions.registry().get(model);
            if (!m.weightsShipped() && !Files.isRegularFile(m.weightsPath())) {
                err.println("fetching the weights of " + m.name() + " from " + m.weights().url());
                err.flush();
            }
            PrintWriter progress = registryOptions.progress() ? err : null;
            if (hasOverrides()) {
                Path weights = Classifier.weightsFor(m, settings, progress);
                PreprocessConfig config = overrides(m.preprocess().toBuilder()).build();
                List<String> labelList = labels != null ? Classifier.readLabels(labels) : m.labels();
                classifier = Classifier.load(m.definitionPath(), weights, labelList, config,
                        output != null ? output : m.outputBlob(), settings);
            } else {
                classifier = Classifier.load(m, settings, progress);
            }
        } else {
            if (arguments.size() < 3) {
                throw new IllegalArgumentException("give --model NAME, or NET WEIGHTS followed by images");
            }
            inputs = arguments.subList(2, arguments.size());
            PreprocessConfig config = overrides(PreprocessConfig.builder()).build();
            List<String> labelList = labels != null ? Classifier.readLabels(labels) : List.of();
            classifier = Classifier.load(Path.of(arguments.get(0)), Path.of(arguments.get(1)), labelList, config, output,
                    settings);
        }
        try (Classifier c = classifier) {
            return classifyAll(c, inputs, out, err);
        }
    }

    private boolean hasOverrides() {
        return labels != null || output != null || mean != null || scale != null || rawScale != null
                || resize != null || crop != null || channels != null || order != null;
    }

    private PreprocessConfig.Builder overrides(PreprocessConfig.Builder b) throws IOException {
        if (channels != null) {
            b.channels(channels);
        }
        if (order != null) {
            b.channelOrder(order);
        }
        if (resize != null) {
            int[] s = ModelSpec.parseSize(resize, "--resize");
            b.resize(s[0], s[1]);
        }
        if (crop != null) {
            int[] s = ModelSpec.parseSize(crop, "--crop");
            b.crop(s[0], s[1]);
        }
        if (mean != null) {
            b.mean(mean.file != null ? Mean.read(mean.file) : Mean.perChannel(ModelSpec.floats(mean.values)));
        }
        if (scale != null) {
            b.scale(scale);
        }
        if (rawScale != null) {
            b.rawScale(rawScale);
        }
        return b;
    }

    private int classifyAll(Classifier c, List<String> inputs, PrintWriter out, PrintWriter err) throws IOException {
        int failures = 0;
        List<Path> files = new ArrayList<>();
        boolean walkedFolder = false;
        for (String arg : inputs) {
            Path p = Path.of(arg);
            if (Files.isDirectory(p)) {
                walkedFolder = true;
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(ClassifyCommand::isImageName).sorted().forEach(files::add);
                }
            } else if (Files.exists(p)) {
                files.add(p);
            } else {
                err.println("error: " + p + ": no such file");
                failures++;
            }
        }
        if (csv) {
            out.println("file,rank,index,label,probability");
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
                    images.add(ImageDecoder.read(f));
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
            done += chunk.size();
            bar.update(done);
        }
        bar.finish();
        if (failures > 0) {
            err.println("error: " + failures + " of " + (files.size() + countMissing(inputs)) + " images could not be classified");
            return Main.EXIT_BAD_INPUT;
        }
        return 0;
    }

    /**
     * Classifies one batch; when the batch fails (an image too small for the crop, say), retries image by image so
     * that only the bad ones are reported. Returns the number of failures.
     */
    private int classifyBatch(Classifier c, List<Path> files, List<BufferedImage> images, PrintWriter out,
                              PrintWriter err) {
        try {
            List<List<Prediction>> results = c.classifyImages(images, top);
            for (int i = 0; i < images.size(); i++) {
                print(out, files.get(i), results.get(i));
            }
            return 0;
        } catch (IllegalArgumentException e) {
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

    private static long countMissing(List<String> inputs) {
        return inputs.stream().filter(a -> !Files.exists(Path.of(a))).count();
    }

    static boolean isImageName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
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
            out.println(Json.write(line));
        } else if (csv) {
            for (int r = 0; r < predictions.size(); r++) {
                Prediction p = predictions.get(r);
                out.println(csvField(file.toString()) + "," + (r + 1) + "," + p.index() + "," + csvField(p.label())
                        + "," + p.probability());
            }
        } else {
            out.println(file);
            for (Prediction p : predictions) {
                out.printf(Locale.ROOT, "  %.4f  %s%n", p.probability(), p.label());
            }
        }
    }

    private static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
