package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class EluOpTest extends OpTestBase {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void matchesEluWithRandomAlpha(long seed) {
        double alpha = 0.1 + new Random(seed + 100).nextInt(20) / 8.0;
        checkUnary("ELU", "elu_param { alpha: " + alpha + " }", x -> x > 0 ? x : alpha * Math.expm1(x),
                Tolerance.CLOSE, seed, -4, 4);
    }

    @Test
    void defaultAlphaIsOne() {
        checkValues("ELU", "", x -> x > 0 ? x : Math.expm1(x), Tolerance.CLOSE, -100f, -1f, -0.001f, 0f, 0.5f, 9f);
    }

    @Test
    void rejectsMissingTop() {
        var x = random(new Random(1), 2, 3);
        String noTop = "layer { name: \"op\" type: \"ELU\" bottom: \"x0\" }\n";
        assertRejected(ShapeException.class, "ELU", "top", noTop, x);
    }
}
