package org.caffe4j.io;

import com.google.protobuf.Descriptors.FieldDescriptor;
import org.caffe4j.MalformedModelException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.proto.Caffe;
import org.caffe4j.proto.Caffe.LayerParameter;
import org.caffe4j.proto.Caffe.NetParameter;
import org.caffe4j.proto.Caffe.V0LayerParameter;
import org.caffe4j.proto.Caffe.V1LayerParameter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Brings any Caffe net dialect to the current (V2) form, in the order Caffe's UpgradeNetAsNeeded applies the
 * steps: V0 to V1, the data-transformation move, V1 to V2, legacy input declarations to an Input layer, and
 * BatchNorm's frozen params. Works for definitions and caffemodels alike. Later stages only ever see V2.
 */
public final class NetUpgrader {
    private NetUpgrader() {
    }

    /** True when {@code net} uses any dialect older than V2. */
    public static boolean needsUpgrade(NetParameter net) {
        return net.getLayersCount() > 0 || net.getInputCount() > 0;
    }

    /**
     * @param source file name for messages
     */
    public static NetParameter upgrade(NetParameter net, String source) {
        if (net.getLayersCount() > 0 && net.getLayerCount() > 0) {
            throw new MalformedModelException(source + ": the net mixes V1 'layers' and V2 'layer' entries; "
                    + "Caffe refuses such files too: convert all of them to one form");
        }
        NetParameter.Builder b = net.toBuilder();
        if (net.getLayersList().stream().anyMatch(V1LayerParameter::hasLayer)) {
            upgradeV0(b, source);
        }
        upgradeDataTransform(b);
        if (b.getLayersCount() > 0) {
            upgradeV1(b, source);
        }
        if (b.getInputCount() > 0) {
            upgradeInputs(b, source);
        }
        upgradeBatchNorm(b);
        return b.build();
    }

    // ---- V0 -> V1 ----

    private static final Map<String, V1LayerParameter.LayerType> V0_TYPES = Map.ofEntries(
            Map.entry("accuracy", V1LayerParameter.LayerType.ACCURACY), Map.entry("bnll", V1LayerParameter.LayerType.BNLL),
            Map.entry("concat", V1LayerParameter.LayerType.CONCAT), Map.entry("conv", V1LayerParameter.LayerType.CONVOLUTION),
            Map.entry("data", V1LayerParameter.LayerType.DATA), Map.entry("dropout", V1LayerParameter.LayerType.DROPOUT),
            Map.entry("euclidean_loss", V1LayerParameter.LayerType.EUCLIDEAN_LOSS),
            Map.entry("flatten", V1LayerParameter.LayerType.FLATTEN), Map.entry("hdf5_data", V1LayerParameter.LayerType.HDF5_DATA),
            Map.entry("hdf5_output", V1LayerParameter.LayerType.HDF5_OUTPUT), Map.entry("im2col", V1LayerParameter.LayerType.IM2COL),
            Map.entry("images", V1LayerParameter.LayerType.IMAGE_DATA),
            Map.entry("infogain_loss", V1LayerParameter.LayerType.INFOGAIN_LOSS),
            Map.entry("innerproduct", V1LayerParameter.LayerType.INNER_PRODUCT), Map.entry("lrn", V1LayerParameter.LayerType.LRN),
            Map.entry("multinomial_logistic_loss", V1LayerParameter.LayerType.MULTINOMIAL_LOGISTIC_LOSS),
            Map.entry("pool", V1LayerParameter.LayerType.POOLING), Map.entry("relu", V1LayerParameter.LayerType.RELU),
            Map.entry("sigmoid", V1LayerParameter.LayerType.SIGMOID), Map.entry("softmax", V1LayerParameter.LayerType.SOFTMAX),
            Map.entry("softmax_loss", V1LayerParameter.LayerType.SOFTMAX_LOSS), Map.entry("split", V1LayerParameter.LayerType.SPLIT),
            Map.entry("tanh", V1LayerParameter.LayerType.TANH), Map.entry("window_data", V1LayerParameter.LayerType.WINDOW_DATA));

    private static void upgradeV0(NetParameter.Builder net, String source) {
        List<V1LayerParameter> in = net.getLayersList();
        List<V1LayerParameter> out = new ArrayList<>();
        // V0 "padding" layers are folded into the conv/pool that consumes their top, as Caffe does.
        Map<String, Integer> padOfBlob = new java.util.HashMap<>();
        Map<String, String> sourceOfPadded = new java.util.HashMap<>();
        for (V1LayerParameter layer : in) {
            V0LayerParameter v0 = layer.getLayer();
            if (v0.getType().equals("padding")) {
                if (layer.getBottomCount() != 1 || layer.getTopCount() != 1) {
                    throw new MalformedModelException(source + ": V0 padding layer '" + v0.getName()
                            + "' must have one bottom and one top");
                }
                padOfBlob.put(layer.getTop(0), v0.getPad());
                sourceOfPadded.put(layer.getTop(0), layer.getBottom(0));
                continue;
            }
            V1LayerParameter.Builder l = layer.toBuilder().clearLayer();
            for (int i = 0; i < l.getBottomCount(); i++) {
                String bottom = l.getBottom(i);
                if (padOfBlob.containsKey(bottom)) {
                    if (!v0.getType().equals("conv") && !v0.getType().equals("pool")) {
                        throw new MalformedModelException(source + ": V0 padding feeds layer '" + v0.getName()
                                + "' of type '" + v0.getType() + "'; only conv and pool can absorb padding");
                    }
                    v0 = v0.toBuilder().setPad(padOfBlob.get(bottom)).build();
                    l.setBottom(i, sourceOfPadded.get(bottom));
                }
            }
            out.add(upgradeV0Layer(v0, l, source));
        }
        net.clearLayers().addAllLayers(out);
    }

    private static V1LayerParameter upgradeV0Layer(V0LayerParameter v0, V1LayerParameter.Builder l, String source) {
        String type = v0.getType();
        if (v0.hasName()) {
            l.setName(v0.getName());
        }
        V1LayerParameter.LayerType t = V0_TYPES.get(type);
        if (t == null) {
            throw new UnsupportedLayerException(source + ": layer '" + v0.getName() + "': unknown V0 layer type '" + type + "'");
        }
        l.setType(t);
        l.addAllBlobs(v0.getBlobsList()).addAllBlobsLr(v0.getBlobsLrList()).addAllWeightDecay(v0.getWeightDecayList());
        switch (type) {
            case "conv" -> {
                Caffe.ConvolutionParameter.Builder c = Caffe.ConvolutionParameter.newBuilder();
                if (v0.hasNumOutput()) c.setNumOutput(v0.getNumOutput());
                if (v0.hasBiasterm()) c.setBiasTerm(v0.getBiasterm());
                if (v0.hasWeightFiller()) c.setWeightFiller(v0.getWeightFiller());
                if (v0.hasBiasFiller()) c.setBiasFiller(v0.getBiasFiller());
                if (v0.hasPad()) c.addPad(v0.getPad());
                if (v0.hasKernelsize()) c.addKernelSize(v0.getKernelsize());
                if (v0.hasGroup()) c.setGroup(v0.getGroup());
                if (v0.hasStride()) c.addStride(v0.getStride());
                l.setConvolutionParam(c);
            }
            case "innerproduct" -> {
                Caffe.InnerProductParameter.Builder c = Caffe.InnerProductParameter.newBuilder();
                if (v0.hasNumOutput()) c.setNumOutput(v0.getNumOutput());
                if (v0.hasBiasterm()) c.setBiasTerm(v0.getBiasterm());
                if (v0.hasWeightFiller()) c.setWeightFiller(v0.getWeightFiller());
                if (v0.hasBiasFiller()) c.setBiasFiller(v0.getBiasFiller());
                l.setInnerProductParam(c);
            }
            case "pool" -> {
                Caffe.PoolingParameter.Builder p = Caffe.PoolingParameter.newBuilder();
                if (v0.hasKernelsize()) p.setKernelSize(v0.getKernelsize());
                if (v0.hasStride()) p.setStride(v0.getStride());
                if (v0.hasPad()) p.setPad(v0.getPad());
                if (v0.hasPool()) p.setPool(Caffe.PoolingParameter.PoolMethod.forNumber(v0.getPool().getNumber()));
                l.setPoolingParam(p);
            }
            case "dropout" -> {
                if (v0.hasDropoutRatio()) l.setDropoutParam(Caffe.DropoutParameter.newBuilder().setDropoutRatio(v0.getDropoutRatio()));
            }
            case "lrn" -> {
                Caffe.LRNParameter.Builder p = Caffe.LRNParameter.newBuilder();
                if (v0.hasLocalSize()) p.setLocalSize(v0.getLocalSize());
                if (v0.hasAlpha()) p.setAlpha(v0.getAlpha());
                if (v0.hasBeta()) p.setBeta(v0.getBeta());
                if (v0.hasK()) p.setK(v0.getK());
                l.setLrnParam(p);
            }
            case "concat" -> {
                if (v0.hasConcatDim()) l.setConcatParam(Caffe.ConcatParameter.newBuilder().setConcatDim(v0.getConcatDim()));
            }
            case "data", "images", "hdf5_data", "window_data" -> {
                Caffe.TransformationParameter.Builder tp = Caffe.TransformationParameter.newBuilder();
                if (v0.hasScale()) tp.setScale(v0.getScale());
                if (v0.hasMeanfile()) tp.setMeanFile(v0.getMeanfile());
                if (v0.hasCropsize()) tp.setCropSize(v0.getCropsize());
                if (v0.hasMirror()) tp.setMirror(v0.getMirror());
                l.setTransformParam(tp);
                if (v0.hasSource() || v0.hasBatchsize()) {
                    switch (type) {
                        case "data" -> l.setDataParam(Caffe.DataParameter.newBuilder()
                                .setSource(v0.getSource()).setBatchSize(v0.getBatchsize()));
                        case "images" -> l.setImageDataParam(Caffe.ImageDataParameter.newBuilder()
                                .setSource(v0.getSource()).setBatchSize(v0.getBatchsize()));
                        case "hdf5_data" -> l.setHdf5DataParam(Caffe.HDF5DataParameter.newBuilder()
                                .setSource(v0.getSource()).setBatchSize(v0.getBatchsize()));
                        default -> l.setWindowDataParam(Caffe.WindowDataParameter.newBuilder()
                                .setSource(v0.getSource()).setBatchSize(v0.getBatchsize()));
                    }
                }
            }
            case "hdf5_output" -> {
                if (v0.hasHdf5OutputParam()) l.setHdf5OutputParam(v0.getHdf5OutputParam());
            }
            default -> {
                // Types without parameters (relu, sigmoid, softmax, ...) need nothing more.
            }
        }
        return l.build();
    }

    // ---- data transformation fields -> transform_param ----

    private static void upgradeDataTransform(NetParameter.Builder net) {
        for (int i = 0; i < net.getLayersCount(); i++) {
            V1LayerParameter layer = net.getLayers(i);
            V1LayerParameter.Builder l = layer.toBuilder();
            boolean changed = false;
            if (layer.hasDataParam()) {
                Caffe.DataParameter p = layer.getDataParam();
                changed |= moveTransform(l, p.hasScale() ? p.getScale() : null, p.hasMeanFile() ? p.getMeanFile() : null,
                        p.hasCropSize() ? p.getCropSize() : null, p.hasMirror() ? p.getMirror() : null);
                l.setDataParam(p.toBuilder().clearScale().clearMeanFile().clearCropSize().clearMirror());
            }
            if (layer.hasImageDataParam()) {
                Caffe.ImageDataParameter p = layer.getImageDataParam();
                changed |= moveTransform(l, p.hasScale() ? p.getScale() : null, p.hasMeanFile() ? p.getMeanFile() : null,
                        p.hasCropSize() ? p.getCropSize() : null, p.hasMirror() ? p.getMirror() : null);
                l.setImageDataParam(p.toBuilder().clearScale().clearMeanFile().clearCropSize().clearMirror());
            }
            if (layer.hasWindowDataParam()) {
                Caffe.WindowDataParameter p = layer.getWindowDataParam();
                changed |= moveTransform(l, p.hasScale() ? p.getScale() : null, p.hasMeanFile() ? p.getMeanFile() : null,
                        p.hasCropSize() ? p.getCropSize() : null, p.hasMirror() ? p.getMirror() : null);
                l.setWindowDataParam(p.toBuilder().clearScale().clearMeanFile().clearCropSize().clearMirror());
            }
            if (changed) {
                net.setLayers(i, l);
            }
        }
    }

    private static boolean moveTransform(V1LayerParameter.Builder l, Float scale, String meanFile, Integer crop, Boolean mirror) {
        if (scale == null && meanFile == null && crop == null && mirror == null) {
            return false;
        }
        Caffe.TransformationParameter.Builder t = l.getTransformParamBuilder();
        if (scale != null) t.setScale(scale);
        if (meanFile != null) t.setMeanFile(meanFile);
        if (crop != null) t.setCropSize(crop);
        if (mirror != null) t.setMirror(mirror);
        return true;
    }

    // ---- V1 -> V2 ----

    private static void upgradeV1(NetParameter.Builder net, String source) {
        for (V1LayerParameter v1 : net.getLayersList()) {
            net.addLayer(upgradeV1Layer(v1, source));
        }
        net.clearLayers();
    }

    static LayerParameter upgradeV1Layer(V1LayerParameter v1, String source) {
        LayerParameter.Builder l = LayerParameter.newBuilder();
        l.setName(v1.getName()).addAllBottom(v1.getBottomList()).addAllTop(v1.getTopList());
        l.addAllInclude(v1.getIncludeList()).addAllExclude(v1.getExcludeList()).addAllBlobs(v1.getBlobsList());
        if (v1.hasType()) {
            l.setType(v2TypeName(v1.getType(), v1.getName(), source));
        }
        int params = Math.max(Math.max(v1.getParamCount(), v1.getBlobShareModeCount()),
                Math.max(v1.getBlobsLrCount(), v1.getWeightDecayCount()));
        for (int i = 0; i < params; i++) {
            Caffe.ParamSpec.Builder p = Caffe.ParamSpec.newBuilder();
            if (i < v1.getParamCount()) p.setName(v1.getParam(i));
            if (i < v1.getBlobShareModeCount()) {
                p.setShareMode(Caffe.ParamSpec.DimCheckMode.forNumber(v1.getBlobShareMode(i).getNumber()));
            }
            if (i < v1.getBlobsLrCount()) p.setLrMult(v1.getBlobsLr(i));
            if (i < v1.getWeightDecayCount()) p.setDecayMult(v1.getWeightDecay(i));
            l.addParam(p);
        }
        l.addAllLossWeight(v1.getLossWeightList());
        // Every *_param message has the same name and type in both schemas: copy them by reflection so that no
        // layer's parameters can be forgotten.
        for (Map.Entry<FieldDescriptor, Object> e : v1.getAllFields().entrySet()) {
            String field = e.getKey().getName();
            if (field.endsWith("_param") && e.getKey().getType() == FieldDescriptor.Type.MESSAGE) {
                FieldDescriptor target = LayerParameter.getDescriptor().findFieldByName(field);
                if (target == null) {
                    throw new MalformedModelException(source + ": layer '" + v1.getName() + "': V1 field " + field
                            + " has no V2 counterpart");
                }
                l.setField(target, e.getValue());
            }
        }
        return l.build();
    }

    /** Caffe's UpgradeV1LayerType table. */
    public static String v2TypeName(V1LayerParameter.LayerType type, String layer, String source) {
        return switch (type) {
            case NONE -> "";
            case ABSVAL -> "AbsVal";
            case ACCURACY -> "Accuracy";
            case ARGMAX -> "ArgMax";
            case BNLL -> "BNLL";
            case CONCAT -> "Concat";
            case CONTRASTIVE_LOSS -> "ContrastiveLoss";
            case CONVOLUTION -> "Convolution";
            case DECONVOLUTION -> "Deconvolution";
            case DATA -> "Data";
            case DROPOUT -> "Dropout";
            case DUMMY_DATA -> "DummyData";
            case EUCLIDEAN_LOSS -> "EuclideanLoss";
            case ELTWISE -> "Eltwise";
            case EXP -> "Exp";
            case FLATTEN -> "Flatten";
            case HDF5_DATA -> "HDF5Data";
            case HDF5_OUTPUT -> "HDF5Output";
            case HINGE_LOSS -> "HingeLoss";
            case IM2COL -> "Im2col";
            case IMAGE_DATA -> "ImageData";
            case INFOGAIN_LOSS -> "InfogainLoss";
            case INNER_PRODUCT -> "InnerProduct";
            case LRN -> "LRN";
            case MEMORY_DATA -> "MemoryData";
            case MULTINOMIAL_LOGISTIC_LOSS -> "MultinomialLogisticLoss";
            case MVN -> "MVN";
            case POOLING -> "Pooling";
            case POWER -> "Power";
            case RELU -> "ReLU";
            case SIGMOID -> "Sigmoid";
            case SIGMOID_CROSS_ENTROPY_LOSS -> "SigmoidCrossEntropyLoss";
            case SILENCE -> "Silence";
            case SOFTMAX -> "Softmax";
            case SOFTMAX_LOSS -> "SoftmaxWithLoss";
            case SPLIT -> "Split";
            case SLICE -> "Slice";
            case TANH -> "TanH";
            case WINDOW_DATA -> "WindowData";
            case THRESHOLD -> "Threshold";
        };
    }

    // ---- legacy inputs -> Input layer ----

    private static void upgradeInputs(NetParameter.Builder net, String source) {
        int inputs = net.getInputCount();
        boolean hasShape = net.getInputShapeCount() > 0;
        boolean hasDim = net.getInputDimCount() > 0;
        if (!hasShape && !hasDim) {
            // Names without shapes: a legacy caffemodel's (harmless as an Input layer without blobs), or a
            // definition whose input size the user gives at load time (an array's or --input-shape), as OpenCV
            // accepts.
            LayerParameter.Builder input = LayerParameter.newBuilder().setName("input").setType("Input")
                    .addAllTop(net.getInputList()).setInputParam(Caffe.InputParameter.getDefaultInstance());
            List<LayerParameter> layers = new ArrayList<>(net.getLayerList());
            layers.add(0, input.build());
            net.clearLayer().addAllLayer(layers).clearInput();
            return;
        }
        if (hasShape && net.getInputShapeCount() != inputs) {
            throw new MalformedModelException(source + ": " + inputs + " input(s) but " + net.getInputShapeCount()
                    + " input_shape entries");
        }
        if (!hasShape && net.getInputDimCount() != 4 * inputs) {
            throw new MalformedModelException(source + ": input_dim has " + net.getInputDimCount()
                    + " values; expected 4 per input (" + 4 * inputs + ")");
        }
        Caffe.InputParameter.Builder p = Caffe.InputParameter.newBuilder();
        LayerParameter.Builder input = LayerParameter.newBuilder().setName("input").setType("Input");
        for (int i = 0; i < inputs; i++) {
            input.addTop(net.getInput(i));
            if (hasShape) {
                p.addShape(net.getInputShape(i));
            } else {
                Caffe.BlobShape.Builder s = Caffe.BlobShape.newBuilder();
                for (int d = 0; d < 4; d++) {
                    s.addDim(net.getInputDim(4 * i + d));
                }
                p.addShape(s);
            }
        }
        input.setInputParam(p);
        List<LayerParameter> layers = new ArrayList<>(net.getLayerList());
        layers.add(0, input.build());
        net.clearLayer().addAllLayer(layers).clearInput().clearInputDim().clearInputShape();
    }

    // ---- BatchNorm ----

    private static void upgradeBatchNorm(NetParameter.Builder net) {
        for (int i = 0; i < net.getLayerCount(); i++) {
            LayerParameter l = net.getLayer(i);
            if (l.getType().equals("BatchNorm") && l.getParamCount() == 3) {
                LayerParameter.Builder b = l.toBuilder();
                for (int j = 0; j < 3; j++) {
                    b.setParam(j, b.getParam(j).toBuilder().setLrMult(0).setDecayMult(0));
                }
                net.setLayer(i, b);
            }
        }
    }
}
