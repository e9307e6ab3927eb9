package org.caffe4j.detect;

import org.caffe4j.ShapeException;
import org.caffe4j.classify.Classifier;
import org.caffe4j.preprocess.ImageDecoder;
import org.caffe4j.preprocess.PreprocessConfig;
import org.caffe4j.preprocess.Preprocessor;
import org.caffe4j.registry.ModelRegistry;
import org.caffe4j.registry.ModelSpec;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Object detection with a Caffe detector whose output is SSD's {@code DetectionOutput} blob: rows of
 * {@code [image_id, label, score, xmin, ymin, xmax, ymax]} with coordinates relative to the input (0..1). The image
 * is preprocessed as its manifest says (SSD nets: the whole image resized to the net's input, no crop), and the
 * boxes come back in the decoded image's pixels. Immutable and thread-safe; close it to stop the model's threads.
 */
public final class Detector implements AutoCloseable {
    /** Values per row of a detection output blob. */
    public static final int ROW = 7;

    private final Model model;
    private final Preprocessor preprocessor;
    private final List<String> labels;
    private final String inputBlob;
    private final String outputBlob;
    private final long maxPixels;

    private Detector(Model model, PreprocessConfig config, List<String> labels, String outputBlob, long maxPixels) {
        this.model = model;
        if (model.inputNames().size() != 1) {
            throw new ShapeException("a detector needs a net with one input; this one has " + model.inputNames());
        }
        this.inputBlob = model.inputNames().get(0);
        this.preprocessor = new Preprocessor(Classifier.sizedFor(model, config));
        if (preprocessor.config().hasCrop()) {
            throw new IllegalArgumentException("a detector sees the whole image: its preprocessing must not crop ("
                    + preprocessor.config().describe() + ")");
        }
        this.labels = List.copyOf(labels);
        this.outputBlob = outputBlob != null ? outputBlob : soleOutput(model);
        if (!model.outputNames().contains(this.outputBlob) && !model.describe().hasBlob(this.outputBlob)) {
            throw new ShapeException("the net has no blob '" + this.outputBlob + "' (its outputs: " + model.outputNames() + ")");
        }
        this.maxPixels = maxPixels;
    }

    /** Loading in one chain: {@code Detector.builder().model("res10-face").threads(2).build()}. */
    public static DetectorBuilder builder() {
        return new DetectorBuilder();
    }

    /** A registered detector by name (see {@link ModelRegistry#standard}), default settings. */
    public static Detector load(String registryName) throws IOException {
        return load(ModelRegistry.standard(List.of()).get(registryName), Classifier.Settings.defaults(), null);
    }

    /** A registered detector; weights not in the cache are fetched first when the settings allow it. */
    @Deprecated(since = "0.1.0") // use builder(): one chain for every source and setting
    public static Detector load(ModelSpec spec, Classifier.Settings settings, PrintWriter progress) throws IOException {
        Model model = Classifier.loadModel(spec, Classifier.loadOptions(settings, spec.preprocess()), settings, progress);
        return build(model, spec.preprocess(), spec.labels(), spec.outputBlob(), settings);
    }

    /** Your own files; {@code outputBlob} null = the net's only output. */
    @Deprecated(since = "0.1.0") // use builder(): one chain for every source and setting
    public static Detector load(Path net, Path weights, List<String> labels, PreprocessConfig config, String outputBlob,
                                Classifier.Settings settings) throws IOException {
        Model model = Model.load(net, weights, Classifier.loadOptions(settings, config));
        return build(model, config, labels, outputBlob, settings);
    }

    static Detector build(Model model, PreprocessConfig config, List<String> labels, String outputBlob,
                                  Classifier.Settings settings) {
        try {
            return new Detector(model, config, labels, outputBlob, settings.maxPixels());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static String soleOutput(Model model) {
        List<String> outputs = model.outputNames();
        if (outputs.size() != 1) {
            throw new ShapeException("the net has " + outputs.size() + " outputs " + outputs + "; name the detection output");
        }
        return outputs.get(0);
    }

    /** Decodes an image file under this detector's pixel limit. */
    public BufferedImage read(Path imageFile) {
        return ImageDecoder.read(imageFile, maxPixels);
    }

    public List<String> labels() {
        return labels;
    }

    /** The largest image (width x height) this detector decodes. */
    public long maxPixels() {
        return maxPixels;
    }

    public Model model() {
        return model;
    }

    public List<Detection> detect(Path imageFile, float threshold) {
        return detect(read(imageFile), threshold);
    }

    /**
     * The objects found in the image with a score of at least {@code threshold}, highest score first (ties in the
     * net's order), boxes in the image's pixels. Rows with a negative image id (SSD's "nothing found" row) are
     * skipped.
     */
    public List<Detection> detect(BufferedImage image, float threshold) {
        float[] input = preprocessor.applyBatch(List.of(image));
        int[] shape = preprocessor.inputShape(1);
        if (shape == null) {
            shape = model.inputShape(inputBlob).clone();
            shape[0] = 1;
        }
        Tensor out = model.run(Map.of(inputBlob, new Tensor(shape, input)), Set.of(outputBlob)).get(outputBlob);
        int[] s = out.shape();
        if (s[s.length - 1] != ROW || out.data().length % ROW != 0) {
            throw new ShapeException("output '" + outputBlob + "' has shape " + out.shapeString()
                    + "; a detection output has rows of " + ROW + " values [image_id, label, score, xmin, ymin, xmax, ymax]");
        }
        float[] d = out.data();
        double w = image.getWidth();
        double h = image.getHeight();
        List<Detection> found = new ArrayList<>();
        for (int r = 0; r + ROW <= d.length; r += ROW) {
            if (d[r] < 0 || !(d[r + 2] >= threshold)) {
                continue;
            }
            int index = Math.round(d[r + 1]);
            String label = index >= 0 && index < labels.size() ? labels.get(index) : Integer.toString(index);
            found.add(new Detection(label, index, d[r + 2], d[r + 3] * w, d[r + 4] * h, d[r + 5] * w, d[r + 6] * h));
        }
        found.sort(Comparator.comparingDouble((Detection x) -> x.score()).reversed());
        return found;
    }

    /**
     * A copy of the image with each detection drawn: its box, and its label and score on a filled tag above it
     * (inside the image when the box touches the top). Colours follow the class index.
     */
    public static BufferedImage annotate(BufferedImage image, List<Detection> detections) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int size = Math.max(image.getWidth(), image.getHeight());
            float stroke = Math.max(2f, size / 250f);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(11, size / 45)));
            FontMetrics fm = g.getFontMetrics();
            for (Detection det : detections) {
                Color colour = Color.getHSBColor((float) ((det.index() * 0.618034) % 1.0), 0.85f, 0.95f);
                int x0 = (int) Math.round(det.xmin()), y0 = (int) Math.round(det.ymin());
                int x1 = (int) Math.round(det.xmax()), y1 = (int) Math.round(det.ymax());
                g.setColor(colour);
                g.setStroke(new BasicStroke(stroke));
                g.drawRect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
                String text = det.label() + String.format(java.util.Locale.ROOT, " %.2f", det.score());
                int tw = fm.stringWidth(text) + 6, th = fm.getHeight();
                int ty = y0 - th >= 0 ? y0 - th : y0;
                g.fillRect(x0, ty, tw, th);
                g.setColor(colour.getRed() * 0.299 + colour.getGreen() * 0.587 + colour.getBlue() * 0.114 > 150
                        ? Color.BLACK : Color.WHITE);
                g.drawString(text, x0 + 3, ty + fm.getAscent());
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
