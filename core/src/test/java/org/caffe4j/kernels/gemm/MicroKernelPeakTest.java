package org.caffe4j.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.caffe4j.kernels.simd.SgemmScalarKernel;
import org.caffe4j.kernels.simd.Simd;
import org.junit.jupiter.api.Test;

class MicroKernelPeakTest {
    @Test
    void measuresAPositiveFiniteThroughputForEveryKernel() {
        for (SgemmMicroKernel kernel : new SgemmMicroKernel[] {Simd.sgemmKernel(), new SgemmScalarKernel(16)}) {
            double one = MicroKernelPeak.gflops(kernel, 1, 20);
            double two = MicroKernelPeak.gflops(kernel, 2, 20);
            // Any machine that runs the suite does more than 0.05 GFLOP/s even unJITted; nothing does 10 TFLOP/s.
            assertTrue(one > 0.05 && one < 10_000, "1 thread: " + one);
            assertTrue(two > 0.05 && two < 20_000, "2 threads: " + two);
        }
    }

    @Test
    void rejectsNonPositiveArguments() {
        assertThrows(IllegalArgumentException.class, () -> MicroKernelPeak.gflops(Simd.sgemmKernel(), 0, 10));
        assertThrows(IllegalArgumentException.class, () -> MicroKernelPeak.gflops(Simd.sgemmKernel(), 1, 0));
    }
}
