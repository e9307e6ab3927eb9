package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class PowerOpTest extends OpTestBase {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void matchesShiftedScaledPower(long seed) {
        Random r = new Random(seed + 100);
        double power = new double[]{2, 3, 0.5, -1, 1.5, 1}[r.nextInt(6)];
        double scale = 0.25 + r.nextInt(8) / 4.0, shift = 1 + r.nextInt(4) / 2.0;
        // Inputs in [0, 2] keep shift + scale * x positive, so fractional powers are defined.
        checkUnary("Power", "power_param { power: " + power + " scale: " + scale + " shift: " + shift + " }",
                x -> Math.pow(shift + scale * x, power), Tolerance.CLOSE, seed, 0, 2);
    }

    @Test
    void defaultsAreIdentity() {
        checkValues("Power", "", x -> x, Tolerance.EXACT, -3f, 0f, 2.5f);
    }

    @Test
    void zeroScaleIgnoresTheInputEvenNaN() {
        // Caffe's special case: power * scale == 0 writes shift^power without reading the input.
        checkValues("Power", "power_param { power: 2 scale: 0 shift: 3 }", x -> 9, Tolerance.EXACT,
                Float.NaN, Float.POSITIVE_INFINITY, -1f);
    }

    @Test
    void zeroPowerGivesOne() {
        checkValues("Power", "power_param { power: 0 scale: 2 shift: 1 }", x -> 1, Tolerance.EXACT,
                Float.NaN, -5f, 0f, 7f);
    }

    @Test
    void fractionalPowerOfNegativeIsNaN() {
        checkValues("Power", "power_param { power: 0.5 }", x -> Math.pow(x, 0.5), Tolerance.EXACT, -4f, 4f);
    }

    @Test
    void rejectsTwoBottoms() {
        var x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Power", "bottom", layer("Power", "x0 x1", "y", ""), x, x);
    }
}
