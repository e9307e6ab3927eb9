package org.caffe4j.fuzz;

import org.caffe4j.CaffeModelException;

/**
 * The contract every fuzz target checks: hostile input may only end in a {@link CaffeModelException} (which
 * includes {@code ImageDecodeException}) or an {@link java.io.IOException} a target declares as documented.
 * Anything else propagates, so that Jazzer reports it as a finding; so do hangs (the targets' {@code @Timeout})
 * and OutOfMemoryError.
 */
final class CleanFailures {
    private CleanFailures() {
    }

    interface Target {
        void run() throws Exception;
    }

    /** Runs the target, swallowing only the clean, user-facing failures. */
    static void expectClean(Target target) throws Exception {
        try {
            target.run();
        } catch (CaffeModelException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a CaffeModelException without a message", e);
            }
        }
    }
}
