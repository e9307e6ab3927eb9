package org.caffe4j.registry;

import org.caffe4j.MalformedModelException;
import org.caffe4j.files.Npy;
import org.caffe4j.preprocess.ChannelOrder;
import org.caffe4j.preprocess.Mean;
import org.caffe4j.preprocess.PreprocessConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * One registered model, read from its {@code model.properties} manifest: what the files are, where the weights
 * come from, which blob holds the scores, and how to preprocess images for it. Immutable.
 */
public final class ModelSpec {
    public static final String MANIFEST = "model.properties";

    private final String name;
    private final String description;
    private final String definition;
    private final WeightsSpec weights;
    private final String labels;
    private final String meanFile;
    private final String outputBlob;
    private final boolean softmax;
    private final PreprocessConfig preprocess;
    private final String licence;
    private final ModelSource source;
    private final Path cacheDir;

    private ModelSpec(String name, Properties p, ModelSource source, Path cacheDir) {
        String where = source.describe() + "/" + MANIFEST;
        this.name = name;
        this.source = source;
        this.cacheDir = cacheDir;
        this.description = p.getProperty("description", "");
        this.definition = fileName("definition", required(p, "definition", where), where);
        this.labels = fileName("labels", blankToNull(p.getProperty("labels")), where);
        this.meanFile = fileName("input.mean.file", blankToNull(p.getProperty("input.mean.file")), where);
        this.outputBlob = required(p, "output", where);
        this.softmax = bool(p, "softmax", where);
        this.licence = p.getProperty("licence", "unknown");
        try {
            this.weights = new WeightsSpec(required(p, "weights.file", where), blankToNull(p.getProperty("weights.url")),
                    blankToNull(p.getProperty("weights.sha1")), sizeOf(p.getProperty("weights.size")));
            this.preprocess = preprocess(p, where);
        } catch (IllegalArgumentException e) {
            throw new MalformedModelException(where + ": " + e.getMessage(), e);
        }
    }

    static ModelSpec read(String name, ModelSource source, Path cacheDir) {
        Properties p = new Properties();
        try (InputStream in = source.open(MANIFEST)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(source.describe() + "/" + MANIFEST + ": " + e.getMessage(), e);
        }
        String declared = p.getProperty("name", name).trim();
        if (!declared.equals(name)) {
            throw new MalformedModelException(source.describe() + "/" + MANIFEST + ": name '" + declared
                    + "' differs from its folder name '" + name + "'");
        }
        return new ModelSpec(name, p, source, cacheDir);
    }

    /**
     * A model whose files are given as bytes, by the names its manifest ({@value #MANIFEST}, one of the files) uses:
     * e.g. a model shipped to another JVM as {@link #files()}. Nothing is read from or written to disk.
     */
    public static ModelSpec fromFiles(String name, java.util.Map<String, byte[]> files) {
        if (!files.containsKey(MANIFEST)) {
            throw new IllegalArgumentException("model '" + name + "': no " + MANIFEST + " among its files " + files.keySet());
        }
        return read(name, new ModelSource.Memory(name, files), null);
    }

    /**
     * Every file this model needs, by its manifest's names: the manifest, definition, weights (shipped or already in
     * the cache; never downloaded here), labels and mean file. What {@link #fromFiles} takes.
     */
    public java.util.Map<String, byte[]> files() throws IOException {
        java.util.Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        for (String f : new String[] {MANIFEST, definition, labels, meanFile}) {
            if (f != null) {
                try (InputStream in = source.open(f)) {
                    out.put(f, in.readAllBytes());
                }
            }
        }
        try (InputStream in = openWeights()) {
            out.put(weights.file(), in.readAllBytes());
        }
        return out;
    }

    /** The network definition's bytes, without extracting anything from the classpath. */
    public InputStream openDefinition() throws IOException {
        return source.open(definition);
    }

    /**
     * The weights: the shipped file, else the cached download ({@link java.nio.file.NoSuchFileException} when neither
     * exists; see {@code caffe4j fetch}).
     */
    public InputStream openWeights() throws IOException {
        if (weightsShipped()) {
            return source.open(weights.file());
        }
        if (cacheDir == null) {
            throw new java.nio.file.NoSuchFileException(source.describe() + "/" + weights.file());
        }
        return java.nio.file.Files.newInputStream(weightsPath());
    }

    /** The definition's file name, as the manifest gives it. */
    public String definitionFile() {
        return definition;
    }

    /** True when the model's files are in a folder on disk (not on the classpath or in memory). */
    public boolean filesOnDisk() {
        return source instanceof ModelSource.Folder;
    }

    /** How a file of this model is named in messages: its folder or classpath location, then its name. */
    public String describe(String file) {
        return source.describe() + "/" + file;
    }

    private PreprocessConfig preprocess(Properties p, String where) {
        PreprocessConfig.Builder b = PreprocessConfig.builder();
        String channels = p.getProperty("input.channels", "3").trim();
        if (!channels.equals("1") && !channels.equals("3")) {
            throw new IllegalArgumentException("input.channels must be 1 or 3, got '" + channels + "'");
        }
        b.channels(Integer.parseInt(channels));
        String order = p.getProperty("input.order", "BGR").trim().toUpperCase(Locale.ROOT);
        if (!order.equals("BGR") && !order.equals("RGB")) {
            throw new IllegalArgumentException("input.order must be BGR or RGB, got '" + order + "'");
        }
        b.channelOrder(ChannelOrder.valueOf(order));
        int[] resize = size(p.getProperty("input.resize"), "input.resize");
        if (resize != null) {
            b.resize(resize[0], resize[1]);
        }
        int[] crop = size(p.getProperty("input.crop"), "input.crop");
        if (crop != null) {
            b.crop(crop[0], crop[1]);
        }
        String values = blankToNull(p.getProperty("input.mean"));
        String meanFile = fileName("input.mean.file", blankToNull(p.getProperty("input.mean.file")), where);
        if (values != null && meanFile != null) {
            throw new IllegalArgumentException("give input.mean or input.mean.file, not both");
        }
        if (values != null) {
            b.mean(Mean.perChannel(floats(values, "input.mean")));
        } else if (meanFile != null) {
            b.mean(readMean(meanFile));
        }
        b.rawScale(positiveFloat(p.getProperty("input.raw_scale", "255"), "input.raw_scale"));
        b.scale(positiveFloat(p.getProperty("input.scale", "1"), "input.scale"));
        return b.build();
    }

    private Mean readMean(String file) {
        try (InputStream in = source.open(file)) {
            String where = source.describe() + "/" + file;
            if (file.toLowerCase(Locale.ROOT).endsWith(".npy")) {
                Npy.Array a = Npy.read(in, where, -1);
                int[] s = a.shape();
                int[] chw = s.length == 4 ? new int[]{s[1], s[2], s[3]} : s.length == 2 ? new int[]{1, s[0], s[1]} : s;
                if (chw.length != 3 || (s.length == 4 && s[0] != 1)) {
                    throw new MalformedModelException(where + ": mean must be C×H×W, got " + a);
                }
                return Mean.image(chw[0], chw[1], chw[2], a.data());
            }
            return Mean.fromBinaryProto(in, where);
        } catch (IOException e) {
            throw new UncheckedIOException("mean file of model '" + name + "': " + e.getMessage(), e);
        }
    }

    private static long sizeOf(String text) {
        String t = blankToNull(text);
        try {
            return t == null ? -1 : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("weights.size must be a number of bytes, got '" + t + "'");
        }
    }

    private static int[] size(String text, String key) {
        text = blankToNull(text);
        return text == null ? null : parseSize(text, key);
    }

    /**
     * Parses "WIDTHxHEIGHT" or a single size for both; both must be positive. {@code what} names the setting in the
     * error, which quotes the text.
     */
    public static int[] parseSize(String text, String what) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x", -1);
        int[] size = null;
        try {
            if (parts.length == 1) {
                int s = Integer.parseInt(parts[0].trim());
                size = new int[]{s, s};
            } else if (parts.length == 2) {
                size = new int[]{Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        if (size == null) {
            throw new IllegalArgumentException(what + " must be WIDTHxHEIGHT or one size, got '" + text + "'");
        }
        if (size[0] <= 0 || size[1] <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got '" + text + "'");
        }
        return size;
    }

    /** Parses "104.0,116.7,122.7" (commas and/or spaces). */
    public static float[] floats(String text) {
        return floats(text, "mean");
    }

    /**
     * Parses "104.0,116.7,122.7" (commas and/or spaces) into finite numbers; {@code what} names the setting in the
     * error, which quotes the text.
     */
    public static float[] floats(String text, String what) {
        List<Float> out = new ArrayList<>();
        for (String part : text.trim().split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            float v;
            try {
                v = Float.parseFloat(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " '" + text + "': '" + part + "' is not a number");
            }
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(what + " '" + text + "': '" + part + "' is not a finite number");
            }
            out.add(v);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + " '" + text + "': no values");
        }
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    /** Parses one finite, positive number; {@code what} names the setting in the error. */
    public static float positiveFloat(String text, String what) {
        float v;
        try {
            v = Float.parseFloat(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, got '" + text + "'");
        }
        if (!(v > 0) || !Float.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be positive and finite, got '" + text + "'");
        }
        return v;
    }

    private static String required(Properties p, String key, String where) {
        String v = blankToNull(p.getProperty(key));
        if (v == null) {
            throw new MalformedModelException(where + ": missing key '" + key + "'");
        }
        return v.trim();
    }

    /** A file name from the manifest, checked to be a plain name; null stays null (the key is optional). */
    private static String fileName(String key, String value, String where) {
        if (value == null) {
            return null;
        }
        try {
            return FileNames.requirePlain(key, value);
        } catch (IllegalArgumentException e) {
            throw new MalformedModelException(where + ": " + e.getMessage(), e);
        }
    }

    private static boolean bool(Properties p, String key, String where) {
        String v = required(p, key, where).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new MalformedModelException(where + ": " + key + " must be true or false, got '" + v + "'");
        }
        return v.equals("true");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public WeightsSpec weights() {
        return weights;
    }

    public String outputBlob() {
        return outputBlob;
    }

    /** True when the output blob holds scores that need a Softmax to become probabilities. */
    public boolean softmax() {
        return softmax;
    }

    public PreprocessConfig preprocess() {
        return preprocess;
    }

    public String licence() {
        return licence;
    }

    /** Where the manifest was found: a folder path or {@code classpath:...}. */
    public String location() {
        return source.describe();
    }

    /** The network definition on disk (extracted from the classpath into the cache when needed). */
    public Path definitionPath() throws IOException {
        return source.path(definition);
    }

    /** True when the weights file ships with the model (no download needed). */
    public boolean weightsShipped() {
        return source.exists(weights.file());
    }

    /**
     * Where the weights are or will be: the shipped file, else {@code <cache>/<model>/<weights.file>} (which exists
     * only after a fetch).
     */
    public Path weightsPath() throws IOException {
        if (weightsShipped()) {
            return source.path(weights.file());
        }
        if (cacheDir == null) {
            throw new java.nio.file.NoSuchFileException(source.describe() + "/" + weights.file());
        }
        return cacheDir.resolve(name).resolve(weights.file());
    }

    /** The class labels, one per line (blank trailing lines dropped); empty when the model has no labels file. */
    public List<String> labels() throws IOException {
        if (labels == null) {
            return List.of();
        }
        try (InputStream in = source.open(labels)) {
            return parseLabels(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** One label per line; trailing blank lines are dropped. */
    public static List<String> parseLabels(String text) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return List.copyOf(lines);
    }

    @Override
    public String toString() {
        return name + " (" + location() + ")";
    }
}
