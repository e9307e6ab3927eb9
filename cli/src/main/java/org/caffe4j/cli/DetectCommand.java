package org.caffe4j.cli;

import org.caffe4j.classify.Classifier;
import org.caffe4j.classify.Prediction;
import org.caffe4j.detect.Detection;
import org.caffe4j.detect.Detector;
import org.caffe4j.detect.DetectorBuilder;
import org.caffe4j.files.AtomicFiles;
import org.caffe4j.preprocess.ChannelOrder;
import org.caffe4j.preprocess.ImageDecodeException;
import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.registry.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "detect", mixinStandardHelpOptions = true, description = {
        "Find objects in images with an SSD-style detector (its output: DetectionOutput rows [image_id, label, score, "
                + "xmin, ymin, xmax, ymax]), a registered model (--model NAME) or your own NET WEIGHTS files.",
        "Prints each image's boxes in the image's pixels with label and score, highest score first. Folders are walked "
                + "as classify walks them; an unreadable image is reported as 'error: PATH: ...' and skipped (exit code 2)."})
final class DetectCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "NAME", description = "registered detector")
    String model;

    @Parameters(paramLabel = "[NET WEIGHTS] IMAGE|DIR", arity = "1..*",
            description = "without --model, the first two are the net definition and the .caffemodel")
    List<String> arguments;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.5",
            description = "lowest score shown (default ${DEFAULT-VALUE})")
    float threshold;

    @Option(names = "--labels", paramLabel = "FILE", description = "labels, one per line, index 0 first (default: the model's)")
    Path labels;

    @Option(names = "--output", paramLabel = "BLOB", description = "the detection output blob (default: the model's, else the net's only output)")
    String output;

    @Option(names = "--resize", paramLabel = "WxH", description = "with NET WEIGHTS: the net's input size (default: its declared size)")
    String resize;

    @Option(names = "--mean", paramLabel = "V[,V,V]", description = "with NET WEIGHTS: per-channel mean, in the net's channel order")
    String mean;

    @Option(names = "--scale", paramLabel = "S", description = "with NET WEIGHTS: multiply after mean subtraction")
    Float scale;

    @Option(names = "--order", paramLabel = "BGR|RGB", description = "with NET WEIGHTS: channel order of the net (default BGR)")
    ChannelOrder order;

    @Option(names = "--annotate", paramLabel = "DIR", description = "also write each image with its boxes drawn, as DIR/NAME.png")
    Path annotate;

    @Option(names = "--threads", paramLabel = "T", description = "worker threads (default: all cores)")
    Integer threads;

    @Option(names = "--max-pixels", paramLabel = "N", description = "refuse images whose header declares more than N pixels")
    Long maxPixels;

    @Option(names = "--json", description = "one JSON object per image and line (JSON Lines)")
    boolean json;

    @Option(names = "--csv", description = "CSV: file,index,label,score,xmin,ymin,xmax,ymax")
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
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("--threshold must be between 0 and 1, got " + threshold);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Classifier.Settings settings = Classifier.Settings.defaults();
        if (threads != null) {
            if (threads < 1 || threads > org.caffe4j.runtime.LoadOptions.MAX_THREADS) {
                throw new IllegalArgumentException("--threads must be 1 to " + org.caffe4j.runtime.LoadOptions.MAX_THREADS
                        + ", got " + threads);
            }
            settings = settings.withThreads(threads);
        }
        if (maxPixels != null) {
            settings = settings.withMaxPixels(maxPixels);
        }
        List<String> inputs = model != null ? arguments
                : arguments.size() < 3 ? List.of() : arguments.subList(2, arguments.size());
        ImageInputs found = ImageInputs.collect(inputs);
        // An image or two, a pass each, then the process ends: the one-shot kernels answer first (LoadOptions.oneShot).
        settings = settings.withOneShot(found.files().size() <= 2);
        Detector detector;
        if (model != null) {
            if (resize != null || mean != null || scale != null || order != null) {
                throw new IllegalArgumentException("--resize, --mean, --scale and --order are for NET WEIGHTS; "
                        + "a registered model's preprocessing comes from its manifest");
            }
            if (labels != null || output != null) {
                throw new IllegalArgumentException("--labels and --output are for NET WEIGHTS; a registered model's "
                        + "come from its manifest");
            }
            ModelSpec m = registryOptions.registry().get(model);
            detector = builder(settings).model(m).progress(registryOptions.progress() ? err : null).build();
        } else {
            if (arguments.size() < 3) {
                throw new IllegalArgumentException("give --model NAME, or NET WEIGHTS followed by images");
            }
            PreprocessConfig.Builder b = PreprocessConfig.builder();
            if (resize != null) {
                int[] wh = ModelSpec.parseSize(resize, "--resize");
                b.resize(wh[0], wh[1]);
            }
            if (mean != null) {
                b.meanValues(ModelSpec.floats(mean, "--mean"));
            }
            if (scale != null) {
                b.scale(ModelSpec.positiveFloat(Float.toString(scale), "--scale"));
            }
            if (order != null) {
                b.channelOrder(order);
            }
            detector = builder(settings).files(Path.of(arguments.get(0)), Path.of(arguments.get(1)))
                    .labels(labels != null ? Classifier.readLabels(labels) : List.of()).preprocess(b.build())
                    .output(output).build();
        }
        try (Detector d = detector) {
            return detectAll(d, found, out, err);
        }
    }

    private int detectAll(Detector d, ImageInputs found, PrintWriter out, PrintWriter err) throws Exception {
        for (Map.Entry<Path, String> e : found.skipped().entrySet()) {
            err.println("error: " + e.getKey() + ": " + e.getValue());
        }
        int failures = found.skipped().size();
        if (annotate != null) {
            Files.createDirectories(annotate);
        }
        if (csv) {
            out.println("file,index,label,score,xmin,ymin,xmax,ymax");
        }
        Set<String> written = new HashSet<>();
        for (Path f : found.files()) {
            BufferedImage image;
            List<Detection> detections;
            try {
                image = d.read(f);
                detections = d.detect(image, threshold);
            } catch (ImageDecodeException e) {
                err.println("error: " + e.getMessage());
                failures++;
                continue;
            } catch (RuntimeException e) {
                err.println("error: " + f + ": " + Main.describe(e));
                failures++;
                continue;
            }
            print(out, f, detections);
            if (annotate != null) {
                Path png = annotate.resolve(uniqueName(f, written));
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ImageIO.write(Detector.annotate(image, detections), "png", bytes);
                AtomicFiles.write(png, bytes.toByteArray());
            }
            out.flush();
        }
        if (failures > 0) {
            err.println("error: " + failures + " of " + (found.files().size() + found.skipped().size())
                    + " images could not be read");
            return Main.EXIT_BAD_INPUT;
        }
        return 0;
    }

    /** NAME.png for IMAGE's file name; a second image of the same name becomes NAME-2.png, and so on. */
    private static String uniqueName(Path image, Set<String> written) {
        String n = image.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String stem = dot > 0 ? n.substring(0, dot) : n;
        String name = stem + ".png";
        for (int i = 2; !written.add(name); i++) {
            name = stem + "-" + i + ".png";
        }
        return name;
    }

    private void print(PrintWriter out, Path file, List<Detection> detections) {
        if (json) {
            List<Object> list = new ArrayList<>();
            for (Detection x : detections) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", x.index());
                m.put("label", x.label());
                m.put("score", Double.parseDouble(Float.toString(x.score())));
                m.put("box", List.of(x.xmin(), x.ymin(), x.xmax(), x.ymax()));
                list.add(m);
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("file", file.toString());
            line.put("detections", list);
            out.println(JsonWriter.write(line));
        } else if (csv) {
            for (Detection x : detections) {
                out.println(Prediction.csvField(file.toString()) + "," + x.index() + "," + Prediction.csvField(x.label())
                        + "," + x.score() + String.format(Locale.ROOT, ",%.2f,%.2f,%.2f,%.2f", x.xmin(), x.ymin(),
                        x.xmax(), x.ymax()));
            }
        } else {
            out.println(file);
            for (Detection x : detections) {
                out.printf(Locale.ROOT, "  %.4f  %s  [%.1f, %.1f, %.1f, %.1f]%n", x.score(), x.label(), x.xmin(),
                        x.ymin(), x.xmax(), x.ymax());
            }
        }
    }

    /** The public loading builder with the command's settings. */
    private static DetectorBuilder builder(Classifier.Settings settings) {
        return Detector.builder().threads(settings.threads()).fetchWeights(settings.fetchWeights())
                .maxPixels(settings.maxPixels()).oneShot(settings.oneShot());
    }
}
