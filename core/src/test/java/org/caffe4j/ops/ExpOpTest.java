package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class ExpOpTest extends OpTestBase {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void matchesBaseToTheShiftedScaledInput(long seed) {
        Random r = new Random(seed + 100);
        double base = new double[]{-1, 2, 10, 0.5}[r.nextInt(4)];
        double scale = r.nextInt(9) / 4.0 - 1, shift = r.nextInt(5) / 2.0 - 1;
        double b = base == -1 ? Math.E : base;
        checkUnary("Exp", "exp_param { base: " + base + " scale: " + scale + " shift: " + shift + " }",
                x -> Math.pow(b, shift + scale * x), Tolerance.CLOSE, seed, -2, 2);
    }

    @Test
    void defaultsAreNaturalExp() {
        checkValues("Exp", "", Math::exp, Tolerance.CLOSE, -20f, -1f, 0f, 1f, 20f);
    }

    @Test
    void rejectsNonPositiveBase() {
        var x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Exp", "exp_param.base", layer("Exp", "x0", "y", "exp_param { base: 0 }"), x);
        assertRejected(ShapeException.class, "Exp", "exp_param.base", layer("Exp", "x0", "y", "exp_param { base: -2 }"), x);
    }
}
