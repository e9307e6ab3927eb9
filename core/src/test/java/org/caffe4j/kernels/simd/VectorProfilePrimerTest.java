package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The primer's JDK rule and its operations (the effect on C2's compilations is measured in bench/HISTORY.md). */
class VectorProfilePrimerTest {
    @Test
    void itRunsBelowJdk25Only() {
        assertTrue(VectorProfilePrimer.wanted(17));
        assertTrue(VectorProfilePrimer.wanted(21));
        assertFalse(VectorProfilePrimer.wanted(25));
        assertFalse(VectorProfilePrimer.wanted(26));
    }

    @Test
    void itsOperationsGiveBackTheLanesItStartedFrom() {
        int n = FloatVector.SPECIES_PREFERRED.length();
        float expected = n * (n + 1) / 2f;
        assertEquals(expected, VectorProfilePrimer.run(1), 1e-4f * expected);
        assertEquals(expected, VectorProfilePrimer.run(VectorProfilePrimer.ROUNDS), 1e-4f * expected);
        assertEquals(0f, VectorProfilePrimer.run(0));
    }
}
