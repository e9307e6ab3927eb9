package org.caffe4j.io;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import org.caffe4j.proto.Caffe;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A caffemodel written by a fork carries the fork's layer parameters under the fork's field numbers, some of which
 * BVLC gives to other fields (PSPNet's interp_param 143 is BVLC's input_param, SegNet's upsample_param 137 is
 * embed_param, SegNet's bn_param 45 is unused). Such files must parse, and their weights must bind as usual.
 */
@Timeout(30)
class ForkCaffemodelTest {
    private static final String NET = """
            name: "fork"
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 dim: 4 dim: 4 } } }
            layer { name: "bn" type: "BN" bottom: "data" top: "bn" bn_param { eps: 0.001 } }
            layer { name: "pool" type: "Pooling" bottom: "bn" top: "pool" top: "mask"
                    pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
            layer { name: "up" type: "Upsample" bottom: "pool" bottom: "mask" top: "up" upsample_param { scale: 2 } }
            layer { name: "interp" type: "Interp" bottom: "up" top: "interp" interp_param { zoom_factor: 2 } }
            """;

    /** A layer's bytes followed by one more field, as the fork's schema would have written it. */
    private static byte[] withForkField(Caffe.LayerParameter layer, int field, byte[] message) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        layer.writeTo(bytes);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(message.length);
        out.writeRawBytes(message);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] varints(int... fieldValuePairs) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (int i = 0; i < fieldValuePairs.length; i += 2) {
            out.writeUInt32(fieldValuePairs[i], fieldValuePairs[i + 1]);
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static Caffe.BlobProto blob(float... values) {
        Caffe.BlobProto.Builder b = Caffe.BlobProto.newBuilder()
                .setShape(Caffe.BlobShape.newBuilder().addDim(1).addDim(values.length).addDim(1).addDim(1));
        for (float v : values) {
            b.addData(v);
        }
        return b.build();
    }

    private static byte[] caffemodel(boolean forkFields) throws IOException {
        Caffe.LayerParameter bn = Caffe.LayerParameter.newBuilder().setName("bn").setType("BN")
                .addBlobs(blob(1.5f, -0.5f)).addBlobs(blob(0.25f, 1f)).addBlobs(blob(0.1f, -0.2f))
                .addBlobs(blob(2f, 0.5f)).build();
        Caffe.LayerParameter up = Caffe.LayerParameter.newBuilder().setName("up").setType("Upsample").build();
        Caffe.LayerParameter interp = Caffe.LayerParameter.newBuilder().setName("interp").setType("Interp").build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(1, "fork");
        byte[][] layers = forkFields ? new byte[][]{
                // SegNet's bn_param { bn_mode: INFERENCE } (45), then PSPNet's bn_param { eps: 0.001 } (152)
                withForkField(Caffe.LayerParameter.parseFrom(withForkField(bn, 45, varints(3, 1))), 152,
                        new byte[]{0x25, 0x6f, 0x12, (byte) 0x83, 0x3a}),
                withForkField(up, 137, varints(1, 2, 4, 1, 6, 8, 7, 8)), // SegNet's upsample_param
                withForkField(interp, 143, varints(3, 2, 5, 0)), // PSPNet's interp_param { zoom_factor: 2 }
        } : new byte[][]{bn.toByteArray(), up.toByteArray(), interp.toByteArray()};
        for (byte[] layer : layers) {
            out.writeByteArray(100, layer);
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static float[] run(byte[] caffemodel) throws IOException {
        try (Model m = Model.load(new ByteArrayInputStream(NET.getBytes(StandardCharsets.UTF_8)),
                new ByteArrayInputStream(caffemodel), LoadOptions.defaults())) {
            float[] x = new float[32];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i * 0.7);
            }
            return m.run(Map.of("data", new Tensor(new int[]{1, 2, 4, 4}, x))).get("interp").data();
        }
    }

    @Test
    void forkNumberedFieldsParseAndTheWeightsBind() throws IOException {
        byte[] fork = caffemodel(true);
        Caffe.NetParameter parsed = Caffe.NetParameter.parseFrom(fork);
        assertArrayEquals(new String[]{"bn", "up", "interp"},
                parsed.getLayerList().stream().map(Caffe.LayerParameter::getName).toArray());
        assertArrayEquals(run(caffemodel(false)), run(fork));
    }

    /** The forks' own numbers where BVLC leaves them free: a fork's binary file then reads as the fork meant it. */
    @Test
    void forkFieldsKeepTheForksNumbers() {
        var layer = Caffe.LayerParameter.getDescriptor();
        assertArrayEquals(new int[]{164, 152, 100000, 1143, 1137, 1138}, new int[]{
                layer.findFieldByName("shuffle_channel_param").getNumber(),
                layer.findFieldByName("bn_param").getNumber(),
                layer.findFieldByName("relu6_param").getNumber(),
                layer.findFieldByName("interp_param").getNumber(),
                layer.findFieldByName("upsample_param").getNumber(),
                layer.findFieldByName("dense_image_data_param").getNumber()});
        assertArrayEquals(new int[]{143, 137, 138}, new int[]{
                layer.findFieldByName("input_param").getNumber(),
                layer.findFieldByName("embed_param").getNumber(),
                layer.findFieldByName("tile_param").getNumber()}, "BVLC's fields the forks collide with");
        var bn = Caffe.BNParameter.getDescriptor();
        assertArrayEquals(new int[]{1, 2, 3, 4, 5, 6, 1001, 1002, 1003}, new int[]{
                bn.findFieldByName("slope_filler").getNumber(), bn.findFieldByName("bias_filler").getNumber(),
                bn.findFieldByName("momentum").getNumber(), bn.findFieldByName("eps").getNumber(),
                bn.findFieldByName("frozen").getNumber(), bn.findFieldByName("engine").getNumber(),
                bn.findFieldByName("scale_filler").getNumber(), bn.findFieldByName("shift_filler").getNumber(),
                bn.findFieldByName("bn_mode").getNumber()});
        var interp = Caffe.InterpParameter.getDescriptor();
        assertArrayEquals(new int[]{1, 2, 3, 4, 5, 6}, interp.getFields().stream()
                .mapToInt(com.google.protobuf.Descriptors.FieldDescriptor::getNumber).toArray());
        var upsample = Caffe.UpsampleParameter.getDescriptor();
        assertArrayEquals(new int[]{1, 2, 3, 4, 5, 6, 7}, upsample.getFields().stream()
                .mapToInt(com.google.protobuf.Descriptors.FieldDescriptor::getNumber).toArray());
    }

    /** FlowNet 2.0's numbers (lmb-freiburg/flownet2's caffe.proto); its 148 is BVLC's clip_param, so 1148 here. */
    @Test
    void flowNetFieldsKeepTheForksNumbers() {
        var layer = Caffe.LayerParameter.getDescriptor();
        assertArrayEquals(new int[]{150, 160, 159, 155, 149, 1148, 148}, new int[]{
                layer.findFieldByName("correlation_param").getNumber(),
                layer.findFieldByName("accum_param").getNumber(),
                layer.findFieldByName("flow_warp_param").getNumber(),
                layer.findFieldByName("resample_param").getNumber(),
                layer.findFieldByName("augmentation_param").getNumber(),
                layer.findFieldByName("coeff_schedule_param").getNumber(),
                layer.findFieldByName("clip_param").getNumber()});
        var aug = Caffe.AugmentationParameter.getDescriptor();
        assertArrayEquals(new int[]{33, 34, 4, 5, 7, 18, 10, 35, 20, 107}, new int[]{
                aug.findFieldByName("crop_width").getNumber(), aug.findFieldByName("crop_height").getNumber(),
                aug.findFieldByName("augment_during_test").getNumber(),
                aug.findFieldByName("recompute_mean").getNumber(), aug.findFieldByName("mean_per_pixel").getNumber(),
                aug.findFieldByName("mean").getNumber(), aug.findFieldByName("mirror").getNumber(),
                aug.findFieldByName("gamma").getNumber(), aug.findFieldByName("lmult_pow").getNumber(),
                aug.findFieldByName("noise").getNumber()});
        assertEquals(9, Caffe.FillerParameter.getDescriptor().findFieldByName("diag_val").getNumber());
    }
}
