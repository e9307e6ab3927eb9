package org.caffe4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Caffe fork's published definition loads unchanged: PSPNet's BN and Interp layers, with the fork's sizes. */
@Timeout(60)
class ForkNetSummaryTest {
    @Test
    void pspnet50LoadsAsPublished() {
        CliTest.Result r = CliTest.run("summary", "testdata/zoo/pspnet50_ADE20K_473.prototxt");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        // Interp by height/width (the pyramid branches) and by zoom_factor 8 (60 + 59 * 7 = 473).
        assertTrue(out.contains("conv5_3_pool6_interp Interp        conv5_3_pool6_conv -> conv5_3_pool6_interp "
                + "1x512x60x60"), out);
        assertTrue(out.contains("conv6_interp   Interp        conv6 -> conv6_interp        1x150x473x473"), out);
        // BN: four per-channel blobs (slope, bias, mean, variance) of 64 channels.
        assertTrue(out.contains("conv1_1_3x3_s2/bn BN            conv1_1_3x3_s2 -> conv1_1_3x3_s2 1x64x237x237 "
                + "             256"), out);
        assertTrue(out.contains("outputs: conv6_interp 1x150x473x473"), out);
    }
}
