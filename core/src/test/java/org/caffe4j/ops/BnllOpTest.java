package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class BnllOpTest extends OpTestBase {
    /** Softplus written independently: log1p(e^x), or x + log1p(e^-x) where e^x would overflow. */
    static double softplus(double x) {
        return x < 30 ? Math.log1p(Math.exp(x)) : x + Math.log1p(Math.exp(-x));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void matchesSoftplusOnRandomShapes(long seed) {
        checkUnary("BNLL", "", BnllOpTest::softplus, Tolerance.CLOSE, seed, -6, 6);
    }

    @Test
    void staysFiniteForHugeInputs() {
        checkValues("BNLL", "", BnllOpTest::softplus, Tolerance.CLOSE, -1000f, -100f, 0f, 100f, 1000f, 3e38f);
    }

    @Test
    void rejectsTwoBottoms() {
        var x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "BNLL", "bottom", layer("BNLL", "x0 x1", "y", ""), x, x);
    }
}
