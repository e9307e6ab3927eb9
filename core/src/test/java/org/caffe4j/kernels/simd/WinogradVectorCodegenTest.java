package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed vector transforms are exactly what the generator writes from today's matrices. */
class WinogradVectorCodegenTest {
    @Test
    void committedTransformsAreUpToDate() throws Exception {
        Path committed = Path.of("core/src/main/java/org/caffe4j/kernels/simd/WinogradVectorTransforms.java");
        assertEquals(WinogradVectorCodegen.generate(), Files.readString(committed, StandardCharsets.UTF_8),
                "WinogradVectorTransforms.java is stale: regenerate it with WinogradVectorCodegen (see its javadoc)");
    }
}
