package org.caffe4j.importer;

import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Shape;
import org.caffe4j.ops.LayerContext;
import org.caffe4j.proto.Caffe.FillerParameter;
import org.caffe4j.proto.Caffe.LayerParameter;

import java.util.ArrayList;
import java.util.List;

/**
 * Weights for a layer the caffemodel does not hold, from the prototxt's fillers, as Caffe leaves such a layer at its
 * initial values. FlowNet 2.0's deploy nets rely on it (a 1x1 convolution with a "diagonal" filler scales the flow).
 * Only deterministic fillers (constant, diagonal, bilinear) and only when the weight filler is written out: a
 * random filler, or a missing layer with no filler, is far more likely a wrong caffemodel than a choice, and is
 * refused by the caller.
 */
final class Fillers {
    private Fillers() {
    }

    /** A layer's weight and bias fillers, and whether the prototxt writes the weight filler out. */
    private record LayerFillers(FillerParameter weight, FillerParameter bias, boolean weightGiven) {
        /** Convolution-like and InnerProduct layers' fillers; null for other types. */
        static LayerFillers of(LayerParameter l) {
            if (l.getType().equals("InnerProduct")) {
                var q = l.getInnerProductParam();
                return new LayerFillers(q.getWeightFiller(), q.getBiasFiller(), q.hasWeightFiller());
            }
            if (l.hasConvolutionParam() || l.getType().equals("Convolution") || l.getType().equals("Deconvolution")) {
                var q = l.getConvolutionParam();
                return new LayerFillers(q.getWeightFiller(), q.getBiasFiller(), q.hasWeightFiller());
            }
            return null;
        }
    }

    /** The weights, or null when this layer's fillers cannot stand in for trained weights. */
    static List<Blob> fill(LayerContext ctx, List<Shape> expected) {
        LayerFillers fillers = LayerFillers.of(ctx.layer());
        if (fillers == null || !fillers.weightGiven() || expected.isEmpty() || expected.size() > 2) {
            return null;
        }
        List<Blob> out = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            float[] data = fill(i == 0 ? fillers.weight() : fillers.bias(), expected.get(i));
            if (data == null) {
                return null;
            }
            out.add(new Blob(expected.get(i), data, false));
        }
        return out;
    }

    /** What the layer's weight filler is, for messages. */
    static String describe(LayerContext ctx) {
        LayerFillers fillers = LayerFillers.of(ctx.layer());
        if (fillers == null) {
            return "its weights have no deterministic filler";
        }
        return fillers.weightGiven() ? "its weight_filler is '" + fillers.weight().getType() + "'"
                : "it gives no weight_filler";
    }

    private static float[] fill(FillerParameter f, Shape shape) {
        long count = shape.count();
        float[] data = new float[(int) count];
        switch (f.getType()) {
            case "constant" -> java.util.Arrays.fill(data, f.getValue());
            case "diagonal" -> {
                // lmb-freiburg/flownet2 DiagonalFiller: kernel (n, n) holds diag_val[n] (1 beyond the list) over
                // the kernel area, for n below both num and channels.
                if (shape.rank() < 2 || f.getSparse() != -1) {
                    return null;
                }
                int num = shape.dim(0), channels = shape.dim(1);
                int area = (int) (count / ((long) num * channels));
                for (int n = 0; n < num && n < channels; n++) {
                    float v = (n < f.getDiagValCount() ? f.getDiagVal(n) : 1f) / (float) area;
                    java.util.Arrays.fill(data, area * (channels * n + n), area * (channels * n + n) + area, v);
                }
            }
            case "bilinear" -> {
                // Caffe's BilinearFiller (square kernels, for Deconvolution upsampling).
                if (shape.rank() != 4 || shape.dim(2) != shape.dim(3) || f.getSparse() != -1) {
                    return null;
                }
                int k = shape.dim(3);
                int factor = (k + 1) / 2;
                float c = (float) ((2 * factor - 1 - factor % 2) / (2.0 * factor));
                for (int i = 0; i < data.length; i++) {
                    float x = i % k, y = (i / k) % k;
                    data[i] = (1 - Math.abs(x / factor - c)) * (1 - Math.abs(y / factor - c));
                }
            }
            default -> {
                return null;
            }
        }
        return data;
    }
}
