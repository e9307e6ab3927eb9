package org.caffe4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Caffe forks' published definitions load unchanged: PSPNet's BN and Interp, SegNet's DenseImageData and pairs. */
@Timeout(60)
class ForkNetSummaryTest {
    @TempDir
    Path dir;

    /** The head and one encoder/decoder pair of SegNet's Models/segnet_inference.prototxt, as published. */
    private static final String SEGNET = """
            name: "VGG_ILSVRC_16_layer"
            layer {
              name: "data"
              type: "DenseImageData"
              top: "data"
              top: "label"
              dense_image_data_param {
                source: "/SegNet/CamVid/test.txt"	# Change this to the absolute path to your data file
                batch_size: 1%s
              }
            }
            layer { bottom: "data" top: "conv1_1" name: "conv1_1" type: "Convolution"
              convolution_param { num_output: 4 pad: 1 kernel_size: 3 } }
            layer { bottom: "conv1_1" top: "conv1_1" name: "conv1_1_bn" type: "BN"
              bn_param { bn_mode: INFERENCE } }
            layer { bottom: "conv1_1" top: "pool1" top: "pool1_mask" name: "pool1" type: "Pooling"
              pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
            layer { name: "upsample1" type: "Upsample" bottom: "pool1" top: "pool1_D" bottom: "pool1_mask"
              upsample_param { scale: 2 } }
            """;

    @Test
    void segnetsDenseImageDataBecomesAnInput() throws IOException {
        Path net = Files.writeString(dir.resolve("segnet.prototxt"), SEGNET.formatted(""));
        CliTest.Result unknown = CliTest.run("summary", net.toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("layer 'data' (DenseImageData)") && unknown.err().contains("--input-shape"),
                unknown.err());
        CliTest.Result given = CliTest.run("summary", net.toString(), "--input-shape", "1,3,12,16");
        assertEquals(0, given.code(), given.err());
        assertTrue(given.out().contains("outputs: pool1_D 1x4x12x16"), given.out());
        assertTrue(given.out().contains("pool1_mask"), given.out());
        Path cropped = Files.writeString(dir.resolve("cropped.prototxt"),
                SEGNET.formatted("\n    crop_height: 8 crop_width: 10"));
        CliTest.Result crop = CliTest.run("summary", cropped.toString());
        assertEquals(0, crop.code(), crop.err());
        assertTrue(crop.out().contains("inputs: data 1x3x8x10"), crop.out());
    }

    @Test
    void pspnet50LoadsAsPublished() {
        CliTest.Result r = CliTest.run("summary", "testdata/zoo/pspnet50_ADE20K_473.prototxt");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        // Interp by height/width (the pyramid branches) and by zoom_factor 8 (60 + 59 * 7 = 473).
        assertTrue(out.contains("conv5_3_pool6_interp Interp        conv5_3_pool6_conv -> conv5_3_pool6_interp "
                + "1x512x60x60"), out);
        assertTrue(out.contains("conv6_interp   Interp        conv6 -> conv6_interp        1x150x473x473"), out);
        // BN: four per-channel blobs (slope, bias, mean, variance) of 64 channels.
        assertTrue(out.contains("conv1_1_3x3_s2/bn BN            conv1_1_3x3_s2 -> conv1_1_3x3_s2 1x64x237x237 "
                + "             256"), out);
        assertTrue(out.contains("outputs: conv6_interp 1x150x473x473"), out);
    }

    @Test
    void jsonKeysComeInOneOrder() {
        CliRun r = CliRun.of("summary", "testdata/lenet_mnist/lenet.prototxt", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{\"name\": \"LeNet\", \"inputs\": [{\"blob\": \"data\", \"shape\": \"64x1x28x28\"}], "
                + "\"outputs\": [{\"blob\": \"prob\", \"shape\": \"64x10\"}], \"layers\": [{\"layer\": \"data\""), r.out());
    }
}
