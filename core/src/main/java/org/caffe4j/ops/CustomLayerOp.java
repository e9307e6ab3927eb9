package org.caffe4j.ops;

import org.caffe4j.CaffeModelException;
import org.caffe4j.MalformedModelException;
import org.caffe4j.ShapeException;
import org.caffe4j.io.TextFields;
import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Shape;
import org.caffe4j.spi.CustomLayer;
import org.caffe4j.spi.LayerBlob;
import org.caffe4j.spi.LayerCall;
import org.caffe4j.spi.LayerParams;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/** A plug-in's {@link CustomLayer} as an op: the planner, buffers and threads treat it as any built-in layer. */
public final class CustomLayerOp implements OpDefinition<CustomLayerOp.Params> {
    private final CustomLayer plugin;

    public CustomLayerOp(CustomLayer plugin) {
        this.plugin = plugin;
    }

    public CustomLayer plugin() {
        return plugin;
    }

    @Override
    public String type() {
        return plugin.type();
    }

    @Override
    public Params parse(LayerContext layer) {
        if (layer.textFields() == null) {
            throw new MalformedModelException(layer.label() + ": a plug-in layer's fields come from the prototxt's "
                    + "layer block, and none was read for it");
        }
        return new Params(layer.label(), layer.name(), layer.type(), layer.layer().getBottomList(),
                layer.layer().getTopList(), layer.textFields());
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> inputs, LayerContext layer) {
        List<int[]> shapes = call(p, "outputShapes", () -> plugin.outputShapes(p, dims(inputs)));
        if (shapes == null || shapes.size() != p.tops().size()) {
            throw new ShapeException(p.label + ": the plug-in " + pluginName() + " gave "
                    + (shapes == null ? "no" : shapes.size()) + " output shapes for " + p.tops().size() + " top(s)");
        }
        List<Shape> out = new ArrayList<>();
        for (int[] s : shapes) {
            out.add(checked(p, s));
        }
        return out;
    }

    @Override
    public List<Shape> weightShapes(Params p, List<Shape> inputs) {
        List<int[]> shapes = call(p, "weightShapes", () -> plugin.weightShapes(p, dims(inputs)));
        List<Shape> out = new ArrayList<>();
        for (int[] s : shapes == null ? List.<int[]>of() : shapes) {
            out.add(checked(p, s));
        }
        return out;
    }

    @Override
    public LayerKernel reference(Params p, KernelContext context) {
        List<Shape> ins = context.inputShapes(), outs = context.outputShapes();
        List<LayerBlob> weights = new ArrayList<>();
        for (Blob b : context.weights()) {
            weights.add(new LayerBlob(b.shape().dims(), b.data()));
        }
        List<LayerBlob> weightViews = List.copyOf(weights);
        return (inputs, outputs, parallel) -> {
            List<LayerBlob> in = new ArrayList<>(), out = new ArrayList<>();
            for (int i = 0; i < ins.size(); i++) {
                in.add(new LayerBlob(ins.get(i).dims(), inputs[i]));
            }
            for (int i = 0; i < outs.size(); i++) {
                out.add(new LayerBlob(outs.get(i).dims(), outputs[i]));
            }
            LayerCall call = new LayerCall() {
                @Override
                public List<LayerBlob> inputs() {
                    return in;
                }

                @Override
                public List<LayerBlob> weights() {
                    return weightViews;
                }

                @Override
                public List<LayerBlob> outputs() {
                    return out;
                }

                @Override
                public void forEach(int tasks, IntConsumer task) {
                    parallel.forEach(tasks, task);
                }
            };
            call(p, "forward", () -> {
                plugin.forward(p, call);
                return null;
            });
        };
    }

    @Override
    public boolean inPlaceCapable() {
        return plugin.inPlace();
    }

    private String pluginName() {
        return plugin.getClass().getName();
    }

    /** The plug-in's own failures become one-line errors naming the layer and the plug-in. */
    private <T> T call(Params p, String method, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (CaffeModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CaffeModelException(p.label + ": the plug-in " + pluginName() + " failed in " + method + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    private Shape checked(Params p, int[] dims) {
        for (int d : dims) {
            if (d < 1) {
                throw new ShapeException(p.label + ": the plug-in " + pluginName() + " gave the shape "
                        + java.util.Arrays.toString(dims) + "; every dimension must be at least 1");
            }
        }
        long[] wide = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            wide[i] = dims[i];
        }
        return Shape.checked(wide, p.label);
    }

    private static List<int[]> dims(List<Shape> shapes) {
        return shapes.stream().map(Shape::dims).toList();
    }

    /** The layer's fields from its prototxt block, read by path. */
    public static final class Params implements LayerParams {
        private final String label;
        private final String name;
        private final String type;
        private final List<String> bottoms;
        private final List<String> tops;
        private final List<TextFields.Field> fields;

        Params(String label, String name, String type, List<String> bottoms, List<String> tops,
               List<TextFields.Field> fields) {
            this.label = label;
            this.name = name;
            this.type = type;
            this.bottoms = List.copyOf(bottoms);
            this.tops = List.copyOf(tops);
            this.fields = fields;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public List<String> bottoms() {
            return bottoms;
        }

        @Override
        public List<String> tops() {
            return tops;
        }

        /** Every field at {@code path}, in order (a repeated field, or a repeated message on the way). */
        private List<TextFields.Field> find(String path) {
            List<TextFields.Field> level = fields;
            String[] parts = path.split("\\.");
            List<TextFields.Field> found = new ArrayList<>();
            collect(level, parts, 0, found);
            return found;
        }

        private static void collect(List<TextFields.Field> level, String[] parts, int i, List<TextFields.Field> out) {
            for (TextFields.Field f : level) {
                if (!f.name().equals(parts[i])) {
                    continue;
                }
                if (i == parts.length - 1) {
                    out.add(f);
                } else if (f.isMessage()) {
                    collect(f.fields(), parts, i + 1, out);
                }
            }
        }

        @Override
        public boolean has(String path) {
            return !find(path).isEmpty();
        }

        private String scalar(String path) {
            List<TextFields.Field> f = find(path);
            if (f.isEmpty()) {
                return null;
            }
            if (f.get(0).isMessage()) {
                throw invalid(path, "is a message, not a value");
            }
            return f.get(0).value();
        }

        @Override
        public String getString(String path) {
            String v = scalar(path);
            if (v == null) {
                throw invalid(path, "is missing");
            }
            return v;
        }

        @Override
        public String getString(String path, String defaultValue) {
            String v = scalar(path);
            return v == null ? defaultValue : v;
        }

        @Override
        public List<String> getStrings(String path) {
            List<String> out = new ArrayList<>();
            for (TextFields.Field f : find(path)) {
                if (f.isMessage()) {
                    throw invalid(path, "is a message, not a value");
                }
                out.add(f.value());
            }
            return List.copyOf(out);
        }

        @Override
        public float getFloat(String path) {
            return toFloat(path, getString(path));
        }

        @Override
        public float getFloat(String path, float defaultValue) {
            String v = scalar(path);
            return v == null ? defaultValue : toFloat(path, v);
        }

        @Override
        public float[] getFloats(String path) {
            List<String> values = getStrings(path);
            float[] out = new float[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = toFloat(path, values.get(i));
            }
            return out;
        }

        @Override
        public int getInt(String path) {
            return toInt(path, getString(path));
        }

        @Override
        public int getInt(String path, int defaultValue) {
            String v = scalar(path);
            return v == null ? defaultValue : toInt(path, v);
        }

        @Override
        public boolean getBoolean(String path, boolean defaultValue) {
            String v = scalar(path);
            if (v == null) {
                return defaultValue;
            }
            return switch (v) {
                case "true", "True", "t", "1" -> true;
                case "false", "False", "f", "0" -> false;
                default -> throw invalid(path, "= " + v + " is not a boolean");
            };
        }

        @Override
        public MalformedModelException invalid(String path, String message) {
            return new MalformedModelException(label + ": " + path + " " + message);
        }

        private float toFloat(String path, String v) {
            String t = v.endsWith("f") || v.endsWith("F") ? v.substring(0, v.length() - 1) : v;
            switch (t.toLowerCase(java.util.Locale.ROOT)) {
                case "inf", "infinity" -> {
                    return Float.POSITIVE_INFINITY;
                }
                case "-inf", "-infinity" -> {
                    return Float.NEGATIVE_INFINITY;
                }
                case "nan" -> {
                    return Float.NaN;
                }
                default -> {
                }
            }
            try {
                return Float.parseFloat(t);
            } catch (NumberFormatException e) {
                throw invalid(path, "= " + v + " is not a number");
            }
        }

        private int toInt(String path, String v) {
            try {
                return Integer.decode(v);
            } catch (NumberFormatException e) {
                throw invalid(path, "= " + v + " is not an integer (32-bit)");
            }
        }
    }
}
