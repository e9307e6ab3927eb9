package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SIMD switch: on by default with the module, off by property, and a silent scalar fallback without it. */
class SimdTest {
    private static final String EXPECTED_OUT = "out=1,3,5,1,3,5, ip=6,0,";
    private static final String SCALAR_KERNELS = " gemv=GemvScalarKernel lrn=LrnScalarKernel"
            + " depthwise=DepthwiseScalarKernel elementwise=scalar";
    private static final String VECTOR_KERNELS = " gemv=GemvVectorKernel lrn=LrnVectorKernel"
            + " depthwise=DepthwiseVectorKernel elementwise=vector";

    @Test
    void enabledInThisJvmWhichHasTheVectorModule() {
        // Surefire runs with --add-modules=jdk.incubator.vector and no caffe4j.simd property.
        assertTrue(Simd.enabled());
        assertEquals(Simd.sgemmKernel().nr(), Simd.scalarSgemmKernel().nr());
    }

    @Test
    void propertyFalseForcesScalar() throws Exception {
        String line = probe("--add-modules=jdk.incubator.vector", "-Dcaffe4j.simd=false");
        assertEquals("enabled=false " + EXPECTED_OUT + SCALAR_KERNELS, line);
    }

    @Test
    void missingVectorModuleFallsBackToScalar() throws Exception {
        String line = probe();
        assertEquals("enabled=false " + EXPECTED_OUT + SCALAR_KERNELS, line);
    }

    @Test
    void vectorPathInAChildJvmGivesTheSameResult() throws Exception {
        String line = probe("--add-modules=jdk.incubator.vector");
        assertEquals("enabled=true " + EXPECTED_OUT + VECTOR_KERNELS, line);
    }

    /** Runs {@link SimdProbe} in a fresh JVM with the given options and returns its last output line. */
    private static String probe(String... jvmOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1"); // the probe is tiny; start fast
        cmd.addAll(List.of(jvmOptions));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SimdProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        String[] lines = output.strip().split("\\R");
        return lines[lines.length - 1];
    }
}
