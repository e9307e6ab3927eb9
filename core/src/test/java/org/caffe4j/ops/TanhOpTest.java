package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class TanhOpTest extends OpTestBase {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void matchesTanhOnRandomShapes(long seed) {
        checkUnary("TanH", "", Math::tanh, Tolerance.CLOSE, seed, -5, 5);
    }

    @Test
    void saturatesForLargeInputs() {
        checkValues("TanH", "", Math::tanh, Tolerance.CLOSE, -500f, -30f, -1e-8f, 0f, 1e-8f, 30f, 500f);
    }

    @Test
    void rejectsTwoTops() {
        var x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "TanH", "top", layer("TanH", "x0", "y z", ""), x);
    }
}
