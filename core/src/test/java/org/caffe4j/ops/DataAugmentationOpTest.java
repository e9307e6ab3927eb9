package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class DataAugmentationOpTest extends OpTestBase {
    private static final String A = "DataAugmentation";
    private static final String LEARNT = "augmentation_param { recompute_mean: 1000 mean_per_pixel: false }";
    /** 1 x 3 x 2 x 2: channel c holds 10c .. 10c + 3. */
    private static final Tensor RGB = new Tensor(new int[]{1, 3, 2, 2},
            new float[]{0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23});

    /** The fork's three blobs: iteration count, a per-pixel mean (h x w), a per-channel mean. */
    private static List<Tensor> learnt(float iterations, int h, int w, float[] perPixel, float... perChannel) {
        return List.of(new Tensor(new int[]{1, 1, 1, 1}, new float[]{iterations}),
                new Tensor(new int[]{1, 3, h, w}, perPixel), new Tensor(new int[]{1, 3, 1, 1}, perChannel));
    }

    @Test
    void subtractsTheLearntPerChannelMeanWhateverSizeItsPerPixelMeanHas() {
        // Trained at 4x5: the per-pixel blob's size differs from the input's and is not used.
        Tensor y = runOne(layer(A, "x0", "y", LEARNT), learnt(5000, 4, 5, new float[60], 0.5f, 1, 2), RGB);
        assertTensor(Tolerance.EXACT, new int[]{1, 3, 2, 2},
                new double[]{-0.5, 0.5, 1.5, 2.5, 9, 10, 11, 12, 18, 19, 20, 21}, y);
    }

    @Test
    void perPixelMeanAsStoredOrAsChannelAveragesWhenTheSizeDiffers() {
        String perPixel = "augmentation_param { recompute_mean: 10 }";
        float[] same = {1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0};
        Tensor y = runOne(layer(A, "x0", "y", perPixel), learnt(10, 2, 2, same, 9, 9, 9), RGB);
        assertTensor(Tolerance.EXACT, new int[]{1, 3, 2, 2},
                new double[]{-1, 1, 2, 3, 10, 9, 12, 13, 20, 21, 19, 23}, y);
        // Stored at 1x2: each channel's average (1, 2, 3) is subtracted everywhere, as the fork's adjust_blobs.
        float[] other = {0, 2, 1, 3, 2, 4};
        Tensor z = runOne(layer(A, "x0", "y", perPixel), learnt(11, 1, 2, other, 9, 9, 9), RGB);
        assertTensor(Tolerance.EXACT, new int[]{1, 3, 2, 2},
                new double[]{-1, 0, 1, 2, 8, 9, 10, 11, 17, 18, 19, 20}, z);
    }

    @Test
    void prototxtMeanAndNoMean() {
        Tensor y = runOne(layer(A, "x0", "y", "augmentation_param { mean: 1 mean: 2 mean: 3 mean_per_pixel: false }"),
                RGB);
        assertTensor(Tolerance.EXACT, new int[]{1, 3, 2, 2},
                new double[]{-1, 0, 1, 2, 8, 9, 10, 11, 17, 18, 19, 20}, y);
        // FlowNet's test-time form without a crop: random fields are inert (the fork augments only when it crops).
        Tensor same = runOne(layer(A, "x0", "y", "augmentation_param { augment_during_test: true "
                + "rotate { rand_type: \"uniform\" spread: 0.3 } }"), RGB);
        assertTensor(Tolerance.EXACT, RGB.shape(), toDouble(RGB.data()), same);
    }

    @Test
    void centreCropSampledAsTheForksKernel() {
        Tensor x = new Tensor(new int[]{1, 1, 4, 5}, new float[]{
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19});
        // 3 x 2 of 5 x 4: offset (1, 1), whole pixels.
        Tensor y = runOne(layer(A, "x0", "y", "augmentation_param { crop_width: 3 crop_height: 2 }"), x);
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, 2, 3}, new double[]{6, 7, 8, 11, 12, 13}, y);
        // 2 x 2 of 5 x 4: x offset 1.5, so each value is the mean of two neighbours.
        Tensor z = runOne(layer(A, "x0", "y", "augmentation_param { crop_width: 2 crop_height: 2 }"), x);
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, 2, 2}, new double[]{6.5, 7.5, 11.5, 12.5}, z);
        // The whole image as the crop: positions clamp to width - 1.05, so the last row and column blend 5%
        // of their neighbours.
        Tensor small = new Tensor(new int[]{1, 1, 2, 3}, new float[]{0, 1, 2, 3, 4, 5});
        Tensor w = runOne(layer(A, "x0", "y", "augmentation_param { crop_width: 3 crop_height: 2 }"), small);
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, 2, 3}, new double[]{0, 1, 1.95, 2.85, 3.85, 4.8}, w);
    }

    @Test
    void refusesWhatWouldMakeTheAnswerDependOnMoreThanTheInput() {
        UnsupportedLayerException e = assertRejected(UnsupportedLayerException.class, A,
                "augmentation_param.recompute_mean", layer(A, "x0", "y", LEARNT),
                learnt(999, 2, 2, new float[12], 1, 2, 3), RGB);
        assertTrue(e.getMessage().contains("999"), e.getMessage());
        assertRejected(UnsupportedLayerException.class, A, "augmentation_param.rotate", layer(A, "x0", "y",
                "augmentation_param { crop_width: 2 crop_height: 2 augment_during_test: true "
                        + "rotate { spread: 0.3 } }"), RGB);
        assertRejected(ShapeException.class, A, "augmentation_param.mean",
                layer(A, "x0", "y", "augmentation_param { mean: 1 mean: 2 mean: 3 }"), RGB);
        assertRejected(ShapeException.class, A, "augmentation_param.mean",
                layer(A, "x0", "y", "augmentation_param { mean: 1 mean_per_pixel: false }"), RGB);
        assertRejected(ShapeException.class, A, "augmentation_param.crop_width",
                layer(A, "x0", "y", "augmentation_param { crop_width: 3 crop_height: 2 }"), RGB);
        assertRejected(UnsupportedLayerException.class, A, "augmentation_param.write_augmented",
                layer(A, "x0", "y", "augmentation_param { write_augmented: \"/tmp/x\" }"), RGB);
        assertRejected(UnsupportedLayerException.class, A, "top[1]",
                layer(A, "x0", "y coeffs", "augmentation_param { }"), RGB);
        assertRejected(org.caffe4j.MalformedModelException.class, A, "blobs", layer(A, "x0", "y", LEARNT),
                learnt(5000, 2, 2, new float[12], 1, 2, 3).subList(0, 2), RGB);
        List<Tensor> twoChannels = List.of(new Tensor(new int[]{1, 1, 1, 1}, new float[]{5000}),
                new Tensor(new int[]{1, 2, 2, 2}, new float[8]), new Tensor(new int[]{1, 2, 1, 1}, new float[2]));
        assertRejected(ShapeException.class, A, "blobs", layer(A, "x0", "y", LEARNT), twoChannels, RGB);
    }

    @Test
    void batchFollowsTheInput() {
        Tensor two = uniform(new java.util.Random(3), -1, 1, 2, 3, 4, 5);
        assertBatchFollowsInput(layer(A, "x0", "y", LEARNT), learnt(5000, 4, 5, new float[60], 0.5f, 1, 2), two);
        assertBatchFollowsInput(layer(A, "x0", "y", "augmentation_param { crop_width: 3 crop_height: 2 }"),
                List.of(), two);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
