package org.caffe4j.runtime;

import org.caffe4j.kernels.StreamBandwidth;
import org.caffe4j.kernels.gemm.MicroKernelPeak;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.caffe4j.kernels.simd.Simd;

/** What this machine gives caffe4j's kernels: the reference points `bench` compares each layer with. */
public final class HostInfo {
    private HostInfo() {
    }

    /**
     * "Vector API kernels, 8x16 GEMM tile" (or scalar ones, when the Vector API is off or missing, or the scalar
     * twins of the vector ones, when the JVM has no optimizing compiler to compile them).
     */
    public static String kernels() {
        String which = Simd.kernels().twins() ? "scalar twins of the Vector API" : Simd.enabled() ? "Vector API" : "scalar";
        return which + " kernels, " + SgemmMicroKernel.MR + "x" + Simd.kernels().sgemm().nr() + " GEMM tile";
    }

    /** GFLOP/s of the GEMM micro-kernel on data in cache, on {@code threads} threads, measured for about that long. */
    public static double gemmPeakGflops(int threads, long probeMillis) {
        return MicroKernelPeak.gflops(Simd.kernels().sgemm(), threads, probeMillis);
    }

    /** GB/s of streaming reads from memory on {@code threads} threads (allocates a 64 MB probe). */
    public static double streamGbPerSecond(int threads, long probeMillis) {
        return StreamBandwidth.gbPerSecond(threads, probeMillis);
    }
}
