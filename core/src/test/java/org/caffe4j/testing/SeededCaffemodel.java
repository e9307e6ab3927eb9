package org.caffe4j.testing;

import org.caffe4j.runtime.ImportedInternals;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import org.caffe4j.ir.Graph;
import org.caffe4j.ir.Node;
import org.caffe4j.ir.Shape;
import org.caffe4j.ir.Value;
import org.caffe4j.proto.Caffe;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.ModelFiles;
import org.caffe4j.ops.registry.OpRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Writes a V2 caffemodel of seeded random weights for any deploy prototxt, streaming: each value is drawn and
 * written at once, so VGG16's 553 MB of weights need no more heap than LeNet's. The graph gives every blob shape.
 * Values keep activations sane: weights He-scaled {@code N(0, 2/fan_in)}, BatchNorm (and PSPNet's BN) variances in
 * [0.5, 1.5) with scale factor 1, Scale multipliers (and BN slopes) near 1, other blobs (biases, means) with
 * standard deviation 0.1.
 *
 * FlowNet's DataAugmentation gets an iteration count past any recompute_mean (a trained layer).
 *
 * <p>{@code SeededCaffemodel NET.prototxt OUT.caffemodel [SEED] [--leave-out LAYER,...] [--input-shape B=N,C,H,W]}
 * (for measuring real nets
 * without their weights; layers left out are absent from the file, as FlowNet 2.0's scale_conv1 is from its
 * published caffemodels).
 */
public final class SeededCaffemodel {
    private SeededCaffemodel() {
    }

    public static void main(String[] args) throws IOException {
        java.util.List<String> rest = new java.util.ArrayList<>(List.of(args));
        java.util.Set<String> leaveOut = java.util.Set.of();
        int flag = rest.indexOf("--leave-out");
        if (flag >= 0 && flag + 1 < rest.size()) {
            leaveOut = java.util.Set.of(rest.get(flag + 1).split(","));
            rest.subList(flag, flag + 2).clear();
        }
        LoadOptions options = LoadOptions.defaults();
        flag = rest.indexOf("--input-shape");
        if (flag >= 0 && flag + 1 < rest.size()) {
            String[] kv = rest.get(flag + 1).split("=", 2);
            options = options.withInputShapes(java.util.Map.of(kv[0],
                    java.util.Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray()));
            rest.subList(flag, flag + 2).clear();
        }
        if (rest.size() < 2 || rest.size() > 3) {
            System.err.println("usage: SeededCaffemodel NET.prototxt OUT.caffemodel [SEED] [--leave-out LAYER,...] "
                    + "[--input-shape BLOB=N,C,H,W]");
            System.exit(2);
        }
        long seed = rest.size() == 3 ? Long.parseLong(rest.get(2)) : 1L;
        write(Path.of(rest.get(0)), options, seed, Path.of(rest.get(1)), leaveOut);
        System.out.println(args[1] + " " + Files.size(Path.of(args[1])) + " bytes");
    }

    public static Path write(Path prototxt, LoadOptions options, long seed, Path out) throws IOException {
        return write(prototxt, options, seed, out, java.util.Set.of());
    }

    /** As {@link #write(Path, LoadOptions, long, Path)}, without the layers named in {@code leaveOut}. */
    public static Path write(Path prototxt, LoadOptions options, long seed, Path out, java.util.Set<String> leaveOut)
            throws IOException {
        Graph g = ImportedInternals.graph(ModelFiles.importModel(prototxt, null, options));
        Random rnd = new Random(seed);
        try (OutputStream os = Files.newOutputStream(out)) {
            CodedOutputStream cos = CodedOutputStream.newInstance(os, 1 << 16);
            for (Node n : g.nodes()) {
                List<Shape> shapes = OpRegistry.builtin().opOf(n).weightShapes(n.params(), n.inputs().stream().map(Value::shape).toList());
                if (!shapes.isEmpty() && !leaveOut.contains(n.name())) {
                    writeLayer(cos, n, shapes, rnd);
                }
            }
            cos.flush();
        }
        return out;
    }

    private static void writeLayer(CodedOutputStream cos, Node n, List<Shape> shapes, Random rnd) throws IOException {
        byte[][] heads = new byte[shapes.size()][];
        long layerSize = CodedOutputStream.computeStringSize(Caffe.LayerParameter.NAME_FIELD_NUMBER, n.name())
                + CodedOutputStream.computeStringSize(Caffe.LayerParameter.TYPE_FIELD_NUMBER, n.type());
        for (int i = 0; i < shapes.size(); i++) {
            Caffe.BlobShape.Builder bs = Caffe.BlobShape.newBuilder();
            for (int d : shapes.get(i).dims()) {
                bs.addDim(d);
            }
            heads[i] = Caffe.BlobProto.newBuilder().setShape(bs).build().toByteArray();
            long blob = blobSize(heads[i], shapes.get(i).count());
            layerSize += CodedOutputStream.computeTagSize(Caffe.LayerParameter.BLOBS_FIELD_NUMBER)
                    + CodedOutputStream.computeUInt64SizeNoTag(blob) + blob;
        }
        cos.writeTag(Caffe.NetParameter.LAYER_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        cos.writeUInt64NoTag(layerSize);
        cos.writeString(Caffe.LayerParameter.NAME_FIELD_NUMBER, n.name());
        cos.writeString(Caffe.LayerParameter.TYPE_FIELD_NUMBER, n.type());
        for (int i = 0; i < shapes.size(); i++) {
            Shape s = shapes.get(i);
            cos.writeTag(Caffe.LayerParameter.BLOBS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            cos.writeUInt64NoTag(blobSize(heads[i], s.count()));
            cos.writeRawBytes(heads[i]);
            cos.writeTag(Caffe.BlobProto.DATA_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            cos.writeUInt64NoTag(4 * s.count());
            for (long k = 0; k < s.count(); k++) {
                cos.writeFloatNoTag(value(n.type(), i, shapes.size(), s, rnd));
            }
        }
    }

    private static long blobSize(byte[] head, long count) {
        return head.length + CodedOutputStream.computeTagSize(Caffe.BlobProto.DATA_FIELD_NUMBER)
                + CodedOutputStream.computeUInt64SizeNoTag(4 * count) + 4 * count;
    }

    private static float value(String type, int blob, int blobs, Shape s, Random rnd) {
        switch (type) {
            case "BN":
                // PSPNet's form (slope, bias, mean, variance) needs a positive variance; SegNet's (scale, shift)
                // takes the default values.
                if (blobs == 4 && blob == 3) {
                    return 0.5f + rnd.nextFloat();
                }
                if (blobs == 4 && blob == 0) {
                    return (float) (1 + rnd.nextGaussian() * 0.1);
                }
                return defaultValue(blob, s, rnd);
            case "BatchNorm":
                if (blob == 1) {
                    return 0.5f + rnd.nextFloat();
                }
                return blob == 2 ? 1f : (float) (rnd.nextGaussian() * 0.1);
            case "DataAugmentation":
                return blob == 0 ? 1e6f : (float) (rnd.nextGaussian() * 0.1);
            case "Scale":
                return blob == 0 ? (float) (1 + rnd.nextGaussian() * 0.1) : (float) (rnd.nextGaussian() * 0.1);
            default:
                return defaultValue(blob, s, rnd);
        }
    }

    private static float defaultValue(int blob, Shape s, Random rnd) {
        if (blob == 0 && s.rank() > 1) {
            double fanIn = (double) s.count() / s.dim(0);
            return (float) (rnd.nextGaussian() * Math.sqrt(2.0 / fanIn));
        }
        return (float) (rnd.nextGaussian() * 0.1);
    }
}
