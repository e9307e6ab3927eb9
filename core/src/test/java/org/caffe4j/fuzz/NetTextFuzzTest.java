package org.caffe4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** Text nets (prototxt, any dialect) through the whole importer, the planner and, when small, a forward pass. */
class NetTextFuzzTest {
    @BeforeAll
    static void warmUp() throws Exception {
        ImportPipeline.warmUp();
    }

    @FuzzTest
    @Timeout(10)
    void prototxt(byte[] data) throws Exception {
        CleanFailures.expectClean(() -> ImportPipeline.importPlanAndRun(data, null));
    }
}
