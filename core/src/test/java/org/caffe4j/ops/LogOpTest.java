package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class LogOpTest extends OpTestBase {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void matchesLogOfShiftedScaledInput(long seed) {
        Random r = new Random(seed + 100);
        double base = new double[]{-1, 2, 10, 0.5}[r.nextInt(4)];
        double scale = 0.5 + r.nextInt(4) / 2.0, shift = r.nextInt(3) / 2.0;
        double lnBase = base == -1 ? 1 : Math.log(base);
        // Inputs in [0.1, 4] keep the argument positive.
        checkUnary("Log", "log_param { base: " + base + " scale: " + scale + " shift: " + shift + " }",
                x -> Math.log(shift + scale * x) / lnBase, Tolerance.CLOSE, seed, 0.1, 4);
    }

    @Test
    void defaultsAreNaturalLogWithCaffesNaNAndInfinity() {
        checkValues("Log", "", Math::log, Tolerance.CLOSE, 1f, 2.5f, 1e-30f, 0f, -1f);
    }

    @Test
    void rejectsBaseOneAndNonPositiveBase() {
        var x = uniform(new Random(1), 0.5, 1, 2, 3);
        assertRejected(ShapeException.class, "Log", "log_param.base", layer("Log", "x0", "y", "log_param { base: 1 }"), x);
        assertRejected(ShapeException.class, "Log", "log_param.base", layer("Log", "x0", "y", "log_param { base: 0 }"), x);
    }
}
