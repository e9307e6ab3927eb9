package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.caffe4j.kernels.CpuProfile;
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
    void onlyTheAvx512GemvTakesRowBlocksForOneRow() {
        // AVX-512 (32 registers: three blocks' sums) yes; AVX2 (a strip is half a block, strided) and the scalar twin no.
        CpuProfile profile = Simd.profile();
        assertEquals(profile.vectorBits() >= 512, Simd.gemvKernel().prefersRowBlocks(), profile.toString());
        assertEquals(false, Simd.scalarGemvKernel().prefersRowBlocks());
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

    /**
     * One float vector class per JVM: a second species (the GEMV kernel's 8-float vectors beside the 16-float ones
     * on AVX-512) puts two classes into the type profiles of the Vector API's shared methods, and JDK 17's C2 then
     * compiles the other kernels' calls as calls into the allocating Java fallback (ResNet-50: 2.2 GB/s of garbage,
     * its max pool 3x slower). So no kernel names a float species but the preferred one.
     */
    @Test
    void everyVectorKernelUsesThePreferredFloatSpecies() throws IOException {
        Path dir = Path.of("core/src/main/java/org/caffe4j/kernels/simd"); // tests run from the repository's root
        Pattern otherSpecies = Pattern.compile("FloatVector\\.SPECIES_(?!PREFERRED)\\w+|VectorSpecies\\.of\\(|\\.withShape\\(");
        List<String> found = new ArrayList<>();
        int kernels = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".java")).sorted()::iterator) {
                String source = Files.readString(f);
                kernels += source.contains("FloatVector.SPECIES_PREFERRED") ? 1 : 0;
                Matcher m = otherSpecies.matcher(source);
                while (m.find()) {
                    found.add(f.getFileName() + ": " + m.group());
                }
            }
        }
        assertTrue(kernels >= 8, "expected the vector kernels' sources in " + dir + ", found " + kernels);
        assertEquals(List.of(), found);
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
