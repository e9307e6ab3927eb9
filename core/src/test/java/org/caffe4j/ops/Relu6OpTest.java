package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Relu6OpTest extends OpTestBase {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void clipsToZeroAndSix(long seed) {
        checkUnary("ReLU6", "", x -> Math.min(Math.max(x, 0), 6), Tolerance.EXACT, seed, -9, 9);
    }

    @Test
    void boundariesAndNan() {
        Tensor x = new Tensor(new int[]{1, 6}, new float[]{-1e-30f, 0f, 6f, Math.nextUp(6f), 1e30f, Float.NaN});
        Tensor y = runOne(layer("ReLU6", "x0", "y", ""), x);
        assertEquals(0f, y.data()[0]);
        assertEquals(0f, y.data()[1]);
        assertEquals(6f, y.data()[2]);
        assertEquals(6f, y.data()[3]);
        assertEquals(6f, y.data()[4]);
        assertTrue(Float.isNaN(y.data()[5]), "NaN stays NaN, as std::max/std::min leave it");
    }

    @Test
    void zeroNegativeSlopeFromTheForksParamIsAccepted() {
        checkValues("ReLU6", "relu6_param { negative_slope: 0 }", x -> Math.min(Math.max(x, 0), 6),
                Tolerance.EXACT, -2f, 3f, 7f);
    }

    @Test
    void rejectsANegativeSlopeTheForkWouldIgnore() {
        assertRejected(UnsupportedLayerException.class, "ReLU6", "relu6_param.negative_slope",
                layer("ReLU6", "x0", "y", "relu6_param { negative_slope: 0.1 }"), random(new Random(1), 1, 3));
    }

    @Test
    void rejectsTwoBottoms() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "ReLU6", "bottom", layer("ReLU6", "x0 x1", "y", ""), x, x);
    }

    @Test
    void batchFollowsTheInput() {
        assertBatchFollowsInput(layer("ReLU6", "x0", "y", ""), List.of(), uniform(new Random(3), -8, 8, 3, 2, 4, 5));
    }
}
