package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class ThresholdOpTest extends OpTestBase {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void isOneStrictlyAboveTheThreshold(long seed) {
        double t = new Random(seed + 100).nextInt(9) / 4.0 - 1;
        checkUnary("Threshold", "threshold_param { threshold: " + t + " }", x -> x > t ? 1 : 0, Tolerance.EXACT,
                seed, -2, 2);
    }

    @Test
    void valueEqualToThresholdGivesZero() {
        checkValues("Threshold", "threshold_param { threshold: 0.5 }", x -> x > 0.5 ? 1 : 0, Tolerance.EXACT,
                0.5f, Math.nextUp(0.5f), Math.nextDown(0.5f), -3f, 3f);
    }

    @Test
    void defaultThresholdIsZero() {
        checkValues("Threshold", "", x -> x > 0 ? 1 : 0, Tolerance.EXACT, -0f, 0f, 1e-30f, -1e-30f);
    }

    @Test
    void rejectsTwoBottoms() {
        var x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Threshold", "bottom", layer("Threshold", "x0 x1", "y", ""), x, x);
    }
}
