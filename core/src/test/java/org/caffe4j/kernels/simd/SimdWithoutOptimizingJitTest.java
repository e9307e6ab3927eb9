package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A JVM without C2 (C1 only, as the launcher runs a one-image {@code run}, or {@code -Xint}) cannot compile the
 * Vector API, so models run the scalar twins there, with the vector profile's tile shapes (the same bits).
 */
class SimdWithoutOptimizingJitTest {
    /** Run in a JVM of its own: which kernel set models get, and which tiles. */
    public static void main(String[] args) {
        KernelSet k = Simd.kernels();
        System.out.println("twins=" + k.twins() + " nr=" + k.sgemm().nr() + " profile=" + Simd.profile());
    }

    @Test
    void theJvmsOwnDescriptionSaysWhetherC2IsThere() {
        assertTrue(Simd.optimizingJit("mixed mode, sharing"));
        assertFalse(Simd.optimizingJit("mixed mode, emulated-client, sharing"));
        assertFalse(Simd.optimizingJit("interpreted mode, sharing"));
    }

    @Test
    @Timeout(60)
    void c1AloneRunsTheTwinsWithTheVectorProfile() throws IOException, InterruptedException {
        // Both children run the JDK's own launcher on this CPU, whatever flags this test's JVM was given.
        String normal = run(List.of());
        assertTrue(normal.startsWith("twins=false nr="), normal);
        assertEquals(normal.replace("twins=false", "twins=true"), run(List.of("-XX:TieredStopAtLevel=1")));
        assertEquals(normal.replace("twins=false", "twins=true"), run(List.of("-Xint")));
    }

    private static String run(List<String> flags) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector"));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SimdWithoutOptimizingJitTest.class.getName()));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(50, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        return new String(out, StandardCharsets.UTF_8).strip();
    }
}
