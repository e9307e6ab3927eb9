package org.caffe4j.io;

import org.caffe4j.MalformedModelException;
import org.caffe4j.proto.Caffe;
import org.caffe4j.proto.Caffe.LayerParameter;
import org.caffe4j.proto.Caffe.NetParameter;
import org.caffe4j.proto.Caffe.NetStateRule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Derives the inference (deploy) net from any V2 net definition, the way a user hand-writes a deploy.prototxt:
 * keep the layers of the wanted phase (Caffe's include/exclude rules), turn each data layer into an Input of
 * shape N x C x crop x crop, drop the layers that need labels (Accuracy, losses, Silence) and turn
 * SoftmaxWithLoss into Softmax. A net that is already a deploy net passes through unchanged except for the
 * batch size when one is asked for.
 */
public final class DeployDeriver {
    private static final Set<String> DATA_TYPES = Set.of("Data", "ImageData", "HDF5Data", "MemoryData", "WindowData",
            "DummyData", "AnnotatedData", "DenseImageData");

    private DeployDeriver() {
    }

    /**
     * @param batch    batch size for inputs made from data layers, or for every input when {@code overrideBatch}
     * @param channels channels for inputs made from data layers when the definition does not say (Caffe images: 3)
     */
    public record Options(Caffe.Phase phase, int level, List<String> stages, int batch, boolean overrideBatch,
                          Integer channels, boolean addSoftmax, java.util.Map<String, long[]> inputShapes) {
        public static Options defaults() {
            return new Options(Caffe.Phase.TEST, 0, List.of(), 1, false, null, false, java.util.Map.of());
        }

        public Options withBatch(int n) {
            return new Options(phase, level, stages, n, true, channels, addSoftmax, inputShapes);
        }

        public Options withChannels(Integer c) {
            return new Options(phase, level, stages, batch, overrideBatch, c, addSoftmax, inputShapes);
        }

        public Options withSoftmax(boolean add) {
            return new Options(phase, level, stages, batch, overrideBatch, channels, add, inputShapes);
        }

        /** Explicit shapes for input blobs; a data layer whose top is listed takes this shape as it is. */
        public Options withInputShapes(java.util.Map<String, long[]> shapes) {
            return new Options(phase, level, stages, batch, overrideBatch, channels, addSoftmax, java.util.Map.copyOf(shapes));
        }

        public Options withPhase(Caffe.Phase p, int lvl, List<String> st) {
            return new Options(p, lvl, List.copyOf(st), batch, overrideBatch, channels, addSoftmax, inputShapes);
        }
    }

    /** The derived net plus what was changed, for the user to read. */
    public record Result(NetParameter net, List<String> notes) {
    }

    public static Result derive(NetParameter v2, Options options, String source) {
        List<String> notes = new ArrayList<>();
        Caffe.NetState state = Caffe.NetState.newBuilder().setPhase(options.phase()).setLevel(options.level())
                .addAllStage(options.stages()).build();
        Set<String> labels = new HashSet<>();
        List<LayerParameter> kept = new ArrayList<>();
        for (LayerParameter layer : v2.getLayerList()) {
            if (!included(layer, state)) {
                continue;
            }
            String type = layer.getType();
            if (DATA_TYPES.contains(type)) {
                kept.add(inputFromData(layer, options, source, notes));
                for (int i = 1; i < layer.getTopCount(); i++) {
                    labels.add(layer.getTop(i));
                }
                continue;
            }
            if (type.equals("Input") && options.overrideBatch()) {
                LayerParameter.Builder b = layer.toBuilder();
                Caffe.InputParameter.Builder p = b.getInputParamBuilder();
                for (int i = 0; i < p.getShapeCount(); i++) {
                    if (p.getShape(i).getDimCount() > 0) {
                        p.setShape(i, p.getShape(i).toBuilder().setDim(0, options.batch()));
                    }
                }
                kept.add(b.build());
                continue;
            }
            if (type.equals("SoftmaxWithLoss")) {
                if (layer.getBottomCount() == 0) {
                    throw new MalformedModelException(source + ": layer '" + layer.getName()
                            + "' (SoftmaxWithLoss): bottom has 0 blobs; expected the scores (and the label)");
                }
                LayerParameter.Builder b = LayerParameter.newBuilder().setName(layer.getName()).setType("Softmax")
                        .addBottom(layer.getBottom(0)).addTop(layer.getTopCount() > 0 ? layer.getTop(0) : layer.getName());
                if (layer.hasSoftmaxParam()) {
                    b.setSoftmaxParam(layer.getSoftmaxParam());
                }
                kept.add(b.build());
                notes.add("layer '" + layer.getName() + "' (SoftmaxWithLoss) became Softmax");
                continue;
            }
            boolean usesLabel = layer.getBottomList().stream().anyMatch(labels::contains);
            if (usesLabel || type.equals("Accuracy") || type.equals("Silence") || type.endsWith("Loss")) {
                notes.add("dropped layer '" + layer.getName() + "' (" + type + "): "
                        + (usesLabel ? "it needs labels" : "training only"));
                // Anything computed from labels is label-like too (e.g. a Split of the label blob).
                if (usesLabel) {
                    labels.addAll(layer.getTopList());
                }
                continue;
            }
            kept.add(layer);
        }
        if (options.addSoftmax() && !kept.isEmpty() && !kept.get(kept.size() - 1).getType().equals("Softmax")) {
            LayerParameter last = kept.get(kept.size() - 1);
            if (last.getTopCount() == 0) {
                throw new MalformedModelException(source + ": layer '" + last.getName() + "' (" + last.getType()
                        + "): top has 0 blobs, so there is no output to add a Softmax to");
            }
            kept.add(LayerParameter.newBuilder().setName("prob").setType("Softmax").addBottom(last.getTop(0))
                    .addTop("prob").build());
            notes.add("added Softmax layer 'prob' on blob '" + last.getTop(0) + "'");
        }
        NetParameter.Builder out = v2.toBuilder().clearLayer().addAllLayer(kept).clearState();
        return new Result(out.build(), notes);
    }

    /**
     * The top of the first input or data layer that the deploy net derived with {@code options} keeps (or of the
     * first legacy {@code input:}), or null when the net has none.
     */
    public static String firstInputName(NetParameter v2, Options options) {
        if (v2.getInputCount() > 0) {
            return v2.getInput(0);
        }
        Caffe.NetState state = Caffe.NetState.newBuilder().setPhase(options.phase()).setLevel(options.level())
                .addAllStage(options.stages()).build();
        for (LayerParameter layer : v2.getLayerList()) {
            if ((DATA_TYPES.contains(layer.getType()) || layer.getType().equals("Input")) && included(layer, state)
                    && layer.getTopCount() > 0) {
                return layer.getTop(0);
            }
        }
        return null;
    }

    /** Caffe's Net::FilterNet rule: any matching include keeps a layer, any matching exclude drops it. */
    static boolean included(LayerParameter layer, Caffe.NetState state) {
        boolean in = layer.getIncludeCount() == 0;
        for (NetStateRule r : layer.getIncludeList()) {
            if (meets(state, r)) {
                in = true;
                break;
            }
        }
        for (NetStateRule r : layer.getExcludeList()) {
            if (meets(state, r)) {
                in = false;
                break;
            }
        }
        return in;
    }

    private static boolean meets(Caffe.NetState state, NetStateRule rule) {
        if (rule.hasPhase() && rule.getPhase() != state.getPhase()) {
            return false;
        }
        if (rule.hasMinLevel() && state.getLevel() < rule.getMinLevel()) {
            return false;
        }
        if (rule.hasMaxLevel() && state.getLevel() > rule.getMaxLevel()) {
            return false;
        }
        for (String s : rule.getStageList()) {
            if (!state.getStageList().contains(s)) {
                return false;
            }
        }
        for (String s : rule.getNotStageList()) {
            if (state.getStageList().contains(s)) {
                return false;
            }
        }
        return true;
    }

    private static LayerParameter inputFromData(LayerParameter layer, Options options, String source, List<String> notes) {
        if (layer.getTopCount() == 0) {
            throw new MalformedModelException(source + ": layer '" + layer.getName() + "' (" + layer.getType()
                    + "): top has 0 blobs; a data layer needs at least one");
        }
        long[] explicit = options.inputShapes().get(layer.getTop(0));
        if (explicit != null) {
            Caffe.BlobShape.Builder shape = Caffe.BlobShape.newBuilder();
            for (long d : explicit) {
                shape.addDim(d);
            }
            notes.add("data layer '" + layer.getName() + "' (" + layer.getType() + ") became input '" + layer.getTop(0)
                    + "' of the given shape");
            return LayerParameter.newBuilder().setName(layer.getName()).setType("Input").addTop(layer.getTop(0))
                    .setInputParam(Caffe.InputParameter.newBuilder().addShape(shape)).build();
        }
        Caffe.TransformationParameter t = layer.getTransformParam();
        long channels = options.channels() != null ? options.channels() : t.getForceGray() ? 1 : 3;
        long height = 0, width = 0;
        String type = layer.getType();
        if (t.getCropSize() > 0) {
            height = width = t.getCropSize();
        } else if (type.equals("MemoryData")) {
            Caffe.MemoryDataParameter m = layer.getMemoryDataParam();
            channels = options.channels() != null ? options.channels() : m.getChannels();
            height = m.getHeight();
            width = m.getWidth();
        } else if (type.equals("ImageData") && layer.getImageDataParam().getNewHeight() > 0) {
            height = layer.getImageDataParam().getNewHeight();
            width = layer.getImageDataParam().getNewWidth();
            if (options.channels() == null && !layer.getImageDataParam().getIsColor()) {
                channels = 1;
            }
        } else if (type.equals("DenseImageData")) {
            // SegNet's data layer: crops, else resizes, else the images' own size (unknown here).
            Caffe.DenseImageDataParameter d = layer.getDenseImageDataParam();
            height = d.getCropHeight() > 0 ? d.getCropHeight() : d.getNewHeight();
            width = d.getCropWidth() > 0 ? d.getCropWidth() : d.getNewWidth();
            if (options.channels() == null && !d.getIsColor()) {
                channels = 1;
            }
        } else if (type.equals("DummyData") && layer.getDummyDataParam().getShapeCount() > 0) {
            Caffe.BlobShape s = layer.getDummyDataParam().getShape(0);
            if (s.getDimCount() == 4) {
                channels = s.getDim(1);
                height = s.getDim(2);
                width = s.getDim(3);
            }
        }
        if (height <= 0 || width <= 0) {
            throw new MalformedModelException(source + ": layer '" + layer.getName() + "' (" + type
                    + "): transform_param.crop_size is not set, so the input size is unknown; "
                    + "give it explicitly (--input-shape N,C,H,W)");
        }
        Caffe.BlobShape shape = Caffe.BlobShape.newBuilder().addDim(options.batch()).addDim(channels).addDim(height)
                .addDim(width).build();
        notes.add("data layer '" + layer.getName() + "' (" + type + ") became input '" + layer.getTop(0) + "' of shape "
                + options.batch() + "x" + channels + "x" + height + "x" + width);
        return LayerParameter.newBuilder().setName(layer.getName()).setType("Input").addTop(layer.getTop(0))
                .setInputParam(Caffe.InputParameter.newBuilder().addShape(shape)).build();
    }
}
