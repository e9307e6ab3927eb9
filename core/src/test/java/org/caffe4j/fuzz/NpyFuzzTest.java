package org.caffe4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.caffe4j.files.Npy;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** .npy decoding, as a file of known size and as a stream of unknown length. */
class NpyFuzzTest {
    @FuzzTest
    @Timeout(10)
    void decode(byte[] data) throws Exception {
        for (long available : new long[]{data.length, -1}) {
            CleanFailures.expectClean(() -> {
                Npy.Array a = Npy.read(new ByteArrayInputStream(data), "fuzz.npy", available);
                assertEquals(a.count(), a.data().length, "shape and data disagree");
            });
        }
    }
}
