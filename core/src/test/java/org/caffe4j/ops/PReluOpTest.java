package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

class PReluOpTest extends OpTestBase {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void perChannelSlopesOnRandomShapes(long seed) {
        Random rnd = new Random(seed);
        int[] shape = new int[2 + rnd.nextInt(3)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = size(rnd, i == 0 ? 1 : 1, i == 0 ? 3 : 7);
        }
        Tensor x = random(rnd, shape);
        int c = shape[1], inner = (int) (count(shape) / shape[0] / c);
        Tensor slope = uniform(rnd, -1, 1, c);
        Tensor y = runOne(layer("PReLU", "x0", seed % 2 == 1 ? "x0" : "y", ""), List.of(slope), x);
        double[] expected = new double[x.data().length];
        for (int i = 0; i < expected.length; i++) {
            double v = x.data()[i];
            expected[i] = v > 0 ? v : slope.data()[(i / inner) % c] * v;
        }
        assertTensor(Tolerance.CLOSE, shape, expected, y);
    }

    /** Planes wider than a vector, odd sizes and batch > 1, so the lowered kernel runs whole vectors and tails. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void loweredKernelMatchesReferenceOnLargePlanes(boolean channelShared) {
        Random rnd = new Random(channelShared ? 11 : 12);
        Tensor x = random(rnd, 3, 5, 13, 17);
        Tensor slope = channelShared ? new Tensor(new int[0], new float[]{-0.75f}) : uniform(rnd, -1, 1, 5);
        Tensor y = runOne(layer("PReLU", "x0", "y", "prelu_param { channel_shared: " + channelShared + " }"),
                List.of(slope), x); // runOne checks the lowered kernel against the reference, bit for bit
        double[] expected = new double[x.data().length];
        for (int i = 0; i < expected.length; i++) {
            double v = x.data()[i];
            expected[i] = v > 0 ? v : slope.data()[channelShared ? 0 : (i / (13 * 17)) % 5] * v;
        }
        assertTensor(Tolerance.CLOSE, x.shape(), expected, y);
    }

    @Test
    void channelSharedUsesOneScalarSlope() {
        Random rnd = new Random(7);
        Tensor x = random(rnd, 2, 3, 5, 4);
        Tensor slope = new Tensor(new int[0], new float[]{0.25f});
        Tensor y = runOne(layer("PReLU", "x0", "y", "prelu_param { channel_shared: true }"), List.of(slope), x);
        double[] expected = new double[x.data().length];
        for (int i = 0; i < expected.length; i++) {
            double v = x.data()[i];
            expected[i] = v > 0 ? v : 0.25 * v;
        }
        assertTensor(Tolerance.CLOSE, x.shape(), expected, y);
    }

    @Test
    void channelSharedSlopeStoredWithShapeOneIsAccepted() {
        Random rnd = new Random(8);
        Tensor x = random(rnd, 1, 2, 3);
        Tensor y = runOne(layer("PReLU", "x0", "y", "prelu_param { channel_shared: true }"),
                List.of(new Tensor(new int[]{1}, new float[]{-2f})), x);
        double[] expected = new double[x.data().length];
        for (int i = 0; i < expected.length; i++) {
            double v = x.data()[i];
            expected[i] = v > 0 ? v : -2 * v;
        }
        assertTensor(Tolerance.CLOSE, x.shape(), expected, y);
    }

    @Test
    void rejectsChannelSharedSlopeWithSeveralValues() {
        Tensor x = random(new Random(1), 2, 3, 4);
        assertRejected(ShapeException.class, "PReLU", "blobs[0]", layer("PReLU", "x0", "y",
                "prelu_param { channel_shared: true }"), List.of(random(new Random(2), 3)), x);
    }

    @Test
    void rejectsSlopeBlobOfWrongSize() {
        Tensor x = random(new Random(1), 2, 3, 4);
        assertRejected(ShapeException.class, "PReLU", "blobs[0]", layer("PReLU", "x0", "y", ""),
                List.of(random(new Random(2), 4)), x);
    }

    @Test
    void rejectsOneAxisBottom() {
        Tensor x = random(new Random(1), 5);
        assertRejected(ShapeException.class, "PReLU", "bottom", layer("PReLU", "x0", "y", ""),
                List.of(random(new Random(2), 5)), x);
    }
}
