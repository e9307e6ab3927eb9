package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class AbsValOpTest extends OpTestBase {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void matchesAbsoluteValueOnRandomShapes(long seed) {
        checkUnary("AbsVal", "", Math::abs, Tolerance.EXACT, seed, -3, 3);
    }

    @Test
    void negativeZeroAndInfinities() {
        checkValues("AbsVal", "", Math::abs, Tolerance.EXACT, -0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -7.5f);
    }

    @Test
    void rejectsMissingBottom() {
        var x = random(new Random(1), 2, 3);
        String noBottom = "layer { name: \"op\" type: \"AbsVal\" top: \"y\" }\n";
        assertRejected(ShapeException.class, "AbsVal", "bottom", noBottom, x);
    }
}
