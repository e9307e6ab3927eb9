package org.caffe4j.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamBandwidthTest {
    @Test
    void measuresAPlausibleRateForOneAndTwoThreads() {
        for (int threads = 1; threads <= 2; threads++) {
            double gbps = StreamBandwidth.gbPerSecond(threads, 30);
            // A 64 MB sweep in under 64 µs (1000 GB/s) was timed without its reads, as when the coordinating thread
            // timed the readers on two cores (it may not get a core while they run: 249 and 3761 GB/s came out).
            // Anything that runs the suite streams more than 0.05 GB/s.
            assertTrue(gbps > 0.05 && gbps < 1000, threads + " thread(s): " + gbps + " GB/s");
        }
    }

    @Test
    void rejectsNonPositiveArguments() {
        assertThrows(IllegalArgumentException.class, () -> StreamBandwidth.gbPerSecond(0, 10));
        assertThrows(IllegalArgumentException.class, () -> StreamBandwidth.gbPerSecond(1, 0));
    }
}
