package org.caffe4j.kernels.simd;

import java.util.concurrent.atomic.AtomicBoolean;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Runs the Vector API's shared operation paths (binary, ternary and unary lanewise operations, compares, blends,
 * reductions) a few thousand times before any kernel does, so that their branch profiles are complete when C2 first
 * compiles a kernel that inlines them.
 *
 * <p>Why: on JDK 17 a kernel compiled while those profiles were still empty (which depends on which thread's calls
 * came first) kept a test inside {@code FloatVector.lanewiseTemplate} (special operators) as a real branch, and
 * the vectors merged after it could not be unboxed for their stores: the Winograd transforms and the 12-row GEMM
 * tile then allocated for every store for the life of the JVM, in some JVMs a lot, in the others a little. Primed,
 * none did; JDK 25 showed neither, primed or not, so this runs below JDK 25 only. The figures and how they were
 * found are in bench/HISTORY.md, session 35. Loaded only through {@link Simd}, like the vector kernels.
 */
final class VectorProfilePrimer {
    /** Rounds of all the operations: the first few hundred calls only get a method compiled with profiling. */
    static final int ROUNDS = 3000;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final AtomicBoolean DONE = new AtomicBoolean();

    private VectorProfilePrimer() {
    }

    /** Whether a JVM of this feature release needs the primer. */
    static boolean wanted(int jdkFeature) {
        return jdkFeature < 25;
    }

    /** Primes once per JVM where {@link #wanted}; later calls return at once. */
    static void primeOnce() {
        if (wanted(Runtime.version().feature()) && DONE.compareAndSet(false, true)) {
            run(ROUNDS);
        }
    }

    /**
     * The operations, {@code rounds} times, on lanes 1, 2, 3, ...: returns the sum of the last round's lanes, so
     * that the work is used (and a test can check it ran the operations it names).
     */
    static float run(int rounds) {
        float[] values = new float[S.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = i + 1;
        }
        FloatVector v = FloatVector.fromArray(S, values, 0);
        FloatVector two = FloatVector.broadcast(S, 2f);
        float sum = 0f;
        for (int r = 0; r < rounds; r++) {
            FloatVector x = v.add(two).sub(two).mul(two).div(two); // v again
            x = x.max(v).min(v).fma(two, v.neg()).abs(); // 2v - v = v
            x = x.sqrt().mul(x.sqrt()); // v, within rounding
            VectorMask<Float> big = x.compare(VectorOperators.GT, 1.5f);
            x = v.blend(x, big).lanewise(VectorOperators.MAX, v); // v where rounding made it smaller
            sum = x.reduceLanes(VectorOperators.ADD);
        }
        return sum;
    }
}
