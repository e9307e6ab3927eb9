package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A library user whose JVM lacks --add-modules=jdk.incubator.vector is told so once, and still gets results. */
class SimdWithoutVectorModuleTest {
    /** Run in a JVM of its own: prints whether vector kernels are on, after asking twice. */
    public static void main(String[] args) {
        Simd.sgemmKernel();
        System.out.println("vector=" + Simd.enabled() + " " + Simd.profile());
    }

    @Test
    @Timeout(60)
    void aJvmWithoutTheModuleLogsOneWarningAndRunsScalar() throws IOException, InterruptedException {
        assertEquals("vector=false scalar, JDK " + Runtime.version().feature(), runWithout(""),
                "stdout of a JVM without the module");
        String err = lastErr;
        assertEquals(1, err.lines().filter(l -> l.contains("jdk.incubator.vector")).count(), err);
        assertTrue(err.contains("--add-modules=jdk.incubator.vector"), err);
        // Choosing scalar kernels explicitly is silent.
        assertEquals("vector=false scalar, JDK " + Runtime.version().feature(), runWithout("-Dcaffe4j.simd=false"));
        assertEquals("", lastErr.strip());
    }

    private String lastErr;

    private String runWithout(String property) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = property.isEmpty()
                ? new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), getClass().getName())
                : new ProcessBuilder(java, property, "-cp", System.getProperty("java.class.path"), getClass().getName());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        lastErr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(50, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), lastErr);
        return new String(out, StandardCharsets.UTF_8).strip();
    }
}
