package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class SigmoidOpTest extends OpTestBase {
    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void matchesLogisticFunctionOnRandomShapes(long seed) {
        checkUnary("Sigmoid", "", SigmoidOpTest::sigmoid, Tolerance.CLOSE, seed, -8, 8);
    }

    @Test
    void saturatesWithoutOverflowForLargeInputs() {
        checkValues("Sigmoid", "", SigmoidOpTest::sigmoid, Tolerance.CLOSE, -1000f, -90f, -20f, 0f, 20f, 90f, 1000f);
    }

    @Test
    void blobLargerThanOneChunkIsSplitAcrossTasks() {
        // 3 x 7 x 61 x 41 = 52521 values: more than Elementwise.CHUNK, so two parallel tasks.
        Random rnd = new Random(11);
        var x = uniform(rnd, -6, 6, 3, 7, 61, 41);
        var y = runOne(layer("Sigmoid", "x0", "y", ""), x);
        double[] expected = new double[x.data().length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = sigmoid(x.data()[i]);
        }
        assertTensor(Tolerance.CLOSE, x.shape(), expected, y);
    }

    @Test
    void rejectsSecondBottom() {
        var x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Sigmoid", "bottom", layer("Sigmoid", "x0 x1", "y", ""), x, x);
    }
}
