package org.caffe4j.verify;

import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.caffe4j.testing.GoldenAssertions.GOLDEN;
import static org.caffe4j.testing.GoldenAssertions.assertMatchesGolden;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Caffe forks' published nets, loaded unchanged from testdata/zoo, with seeded weights (rebuilt here bit for
 * bit: assertMatchesGolden checks the SHA-256), against OpenCV 4.6 or, where OpenCV cannot build the net, the NumPy
 * pass written from the forks' sources: DenseNet-121 with the fork field {@code ceil_mode: false}, ShuffleNet v1
 * and v2 (ShuffleChannel, ConvolutionDepthwise, Slice), MobileNet with either fork's depthwise type, ENet (BN, MAX
 * pooling masks, Upsample), SegNet-Basic (DenseImageData, LRN, BN, pooling masks, Upsample with pad_out_h), PSPNet50
 * (PSPNet's BN, Interp; at its fixed 473x473, compared up to conv6, before the final 8x zoom). The
 * classifiers end in global pooling, so they run at 96x96; ENet at 64x64, SegNet-Basic at 96x72 (the data layer
 * gives no size: an input shape as a user would give it).
 */
class ForkNetsGoldenTest {
    /** prototxt in testdata/zoo | seed | golden set | golden blobs | one blob and its shape (N C H W) | input shape. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // pool1 is 24x24 only with ceil_mode false (Caffe's default ceil would give 25x25).
            "densenet121_deploy,          31, densenet121_cat,      3, pool1,         1 64 24 24, -",
            "shufflenet_1x_g3_deploy,     32, shufflenet_g3_cat,    5, shuffle16,     1 240 3 3,  -",
            "shufflenet_v2_1x_deploy,     33, shufflenet_v2_cat,    5, branch2_1,     1 58 12 12, -",
            "mobilenet_1by2_deploy,       34, mobilenet_dw_cat,     4, conv6/dw,      1 512 3 3,  -",
            "depthwised_mobilenet_deploy, 35, mobilenet_dwconv_cat, 4, conv6/dw,      1 1024 3 3, -",
            "enet_deploy_final,           36, enet_cat,             6, deconv6_0_0,   1 19 64 64, -",
            // upsample4 is 9 rows (pad_out_h) where pool4 has 5.
            "segnet_basic_inference,      37, segnet_basic_cat,     6, upsample4,     1 64 9 12,  1 3 72 96",
            // At its fixed 473x473: the pyramid's branches (AVE pooling 60/30/20/10, BN, Interp back to 60x60).
            "pspnet50_ADE20K_473,         39, pspnet50_cat,         4, conv6,         1 150 60 60, -"})
    @Timeout(120)
    void publishedForkNetMatchesTheReference(String net, long seed, String set, int blobs, String blob, String shape,
                                             String inputShape, @TempDir Path tmp) throws IOException {
        Path prototxt = Path.of("testdata", "zoo", net + ".prototxt");
        LoadOptions options = inputShape.equals("-") ? LoadOptions.defaults() : LoadOptions.defaults()
                .withInputShapes(Map.of("data", dims(inputShape)));
        Path weights = SeededCaffemodel.write(prototxt, options, seed, tmp.resolve("seeded.caffemodel"));
        Comparison c = assertMatchesGolden(prototxt, weights, GOLDEN.resolve(set), options);
        assertEquals(blobs, c.results().size());
        assertArrayEquals(dims(shape), GoldenSet.open(GOLDEN.resolve(set)).read(blob).shape(), blob);
    }

    private static int[] dims(String text) {
        return java.util.Arrays.stream(text.trim().split(" +")).mapToInt(Integer::parseInt).toArray();
    }
}
