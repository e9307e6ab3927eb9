package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed SGEMM register tiles are exactly what the generator writes. */
class SgemmVectorCodegenTest {
    @Test
    void committedTilesAreUpToDate() throws Exception {
        Path committed = Path.of("core/src/main/java/org/caffe4j/kernels/simd/SgemmVectorTiles.java");
        assertEquals(SgemmVectorCodegen.generate(), Files.readString(committed, StandardCharsets.UTF_8),
                "SgemmVectorTiles.java is stale: regenerate it with SgemmVectorCodegen (see its javadoc)");
    }
}
