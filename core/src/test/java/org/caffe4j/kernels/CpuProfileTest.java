package org.caffe4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.caffe4j.kernels.simd.Simd;
import org.junit.jupiter.api.Test;

class CpuProfileTest {
    @Test
    void namedProfilesStateTheirMachineFacts() {
        assertEquals(16, CpuProfile.AVX2_JDK17.sgemmTileWidth());
        assertEquals(32, CpuProfile.AVX512_JDK25.sgemmTileWidth());
        assertEquals(32, CpuProfile.SCALAR_JDK17.sgemmTileWidth());
        assertFalse(CpuProfile.AVX2_JDK25.scatter());
        assertTrue(CpuProfile.AVX512_JDK17.scatter());
        // JDK 17 with AVX-512 is the one machine where F(6,3) and the transforms' vector moves are slow; F(4,5) is not.
        assertFalse(CpuProfile.AVX512_JDK17.f63Fast());
        assertFalse(CpuProfile.AVX512_JDK17.winogradTileFast(6, 3));
        assertFalse(CpuProfile.AVX512_JDK17.winogradTileFast(6, 3, false));
        assertTrue(CpuProfile.AVX512_JDK17.winogradTileFast(6, 3, true), "a space-to-depth rewrite keeps F(6,3)");
        assertTrue(CpuProfile.AVX512_JDK17.winogradTileFast(4, 5));
        assertTrue(CpuProfile.AVX512_JDK17.winogradTileFast(4, 3));
        assertTrue(CpuProfile.AVX512_JDK25.winogradTileFast(6, 3));
        assertTrue(CpuProfile.AVX2_JDK17.winogradTileFast(6, 3));
        assertEquals(25, CpuProfile.AVX512_JDK17.winogradVectorMoveNanos());
        assertEquals(25, CpuProfile.AVX512_JDK25.winogradVectorMoveNanos());
        assertEquals(10, CpuProfile.AVX2_JDK17.winogradVectorMoveNanos());
        assertEquals(10, CpuProfile.AVX2_JDK25.winogradVectorMoveNanos());
        // JDK 17 on AVX2: padded full tiles beat half tiles, and the 4-row passes keep a separate output sweep.
        assertFalse(CpuProfile.AVX2_JDK17.halfTilePays());
        assertTrue(CpuProfile.AVX2_JDK25.halfTilePays());
        assertTrue(CpuProfile.AVX512_JDK17.halfTilePays());
        assertFalse(CpuProfile.AVX2_JDK17.fusedFourRowPasses());
        assertTrue(CpuProfile.AVX2_JDK25.permuteStrideTwo());
        assertEquals("AVX-512, JDK 17", CpuProfile.AVX512_JDK17.toString());
    }

    @Test
    void theHostProfileDescribesTheLoadedKernels() {
        CpuProfile host = Simd.profile();
        assertEquals(Runtime.version().feature(), host.jdkFeature());
        assertEquals(Simd.enabled(), host.vectors());
        assertEquals(Simd.sgemmKernel().nr(), host.sgemmTileWidth());
        assertEquals(Simd.sgemmKernel().nr(), 2 * Simd.winogradTransforms().lanes());
        assertEquals(host.halfTilePays() || !host.vectors(), Simd.sgemmKernel().halfTilePays());
    }

    @Test
    void impossibleProfilesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CpuProfile(11, 256));
        assertThrows(IllegalArgumentException.class, () -> new CpuProfile(17, 384));
        assertThrows(IllegalArgumentException.class, () -> new CpuProfile(17, 64));
    }
}
