package org.caffe4j.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Runs untimed passes until the JIT has settled: a fixed count is either too short (after 30 passes NIN's median was
 * 13.9 ms, after 300 passes 8.6 ms) or wastes time on small nets. Passes run in windows of {@link #WINDOW}; the
 * warm-up ends when the last {@link #STABLE_WINDOWS} windows' medians lie within {@link #SPREAD} of each other AND
 * the JIT compiled (next to) nothing meanwhile, because a pass still running interpreted or C1 code can be steady
 * for a while before C2's code replaces it.
 */
final class WarmUp {
    static final int WINDOW = 10;
    static final int STABLE_WINDOWS = 3;
    /** Largest window median over the smallest, among the last windows. */
    static final double SPREAD = 1.03;
    /** JIT time allowed during the stable windows, as a share of their wall time. */
    static final double COMPILE_SHARE = 0.01;

    /** How the warm-up ended. */
    record Result(int passes, double seconds, boolean settled, double lastMedianMs) {
    }

    private WarmUp() {
    }

    /**
     * @param pass       runs one pass and returns its time in ms
     * @param compileMs  the JIT's total compilation time so far in ms (or a constant where it is not known)
     * @param maxPasses  stop after this many passes even if not settled
     * @param maxSeconds stop after this much time even if not settled
     */
    static Result untilStable(DoubleSupplier pass, LongSupplier compileMs, int maxPasses, double maxSeconds) {
        List<Double> medians = new ArrayList<>();
        List<Double> windowMs = new ArrayList<>();
        List<Long> compiled = new ArrayList<>();
        double total = 0;
        int passes = 0;
        while (passes < maxPasses && total < maxSeconds * 1e3) {
            long c0 = compileMs.getAsLong();
            double[] ms = new double[Math.min(WINDOW, maxPasses - passes)];
            int done = 0;
            double sum = 0;
            while (done < ms.length && total + sum < maxSeconds * 1e3) {
                ms[done] = pass.getAsDouble();
                sum += ms[done++];
            }
            passes += done;
            total += sum;
            if (done < ms.length) {
                break; // out of time inside the window: too few passes to judge it
            }
            medians.add(BenchCommand.median(ms));
            windowMs.add(sum);
            compiled.add(compileMs.getAsLong() - c0);
            if (settled(medians, windowMs, compiled)) {
                return new Result(passes, total / 1e3, true, medians.get(medians.size() - 1));
            }
        }
        return new Result(passes, total / 1e3, false, medians.isEmpty() ? Double.NaN : medians.get(medians.size() - 1));
    }

    /** Whether the last windows agree and the JIT was (next to) idle during them. */
    static boolean settled(List<Double> medians, List<Double> windowMs, List<Long> compiledMs) {
        int n = medians.size();
        if (n < STABLE_WINDOWS) {
            return false;
        }
        double lo = Double.POSITIVE_INFINITY, hi = 0, wall = 0, jit = 0;
        for (int i = n - STABLE_WINDOWS; i < n; i++) {
            lo = Math.min(lo, medians.get(i));
            hi = Math.max(hi, medians.get(i));
            wall += windowMs.get(i);
            jit += compiledMs.get(i);
        }
        return hi <= lo * SPREAD && jit <= COMPILE_SHARE * wall;
    }

    /** This JVM's total JIT time in ms, or 0 where the JVM does not report it (then medians alone decide). */
    static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }
}
