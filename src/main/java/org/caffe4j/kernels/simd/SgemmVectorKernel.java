package org.caffe4j.kernels.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * The Vector API SGEMM micro-kernel: an 8 x (2 vectors) register tile (8 x 32 with AVX-512's 16 floats),
 * 16 accumulators + 2 B vectors + 1 broadcast fit the 32 AVX-512 registers without spilling, and each k step
 * does 16 FMAs for 2 vector loads and 8 scalar loads. Measured on JDK 25 against 6x48 and 4x48 tiles
 * (BENCHMARKS.md). Loaded only through {@link Simd} so that a JVM without jdk.incubator.vector never links it;
 * {@link SgemmScalarKernel} is its twin and produces bit-identical results.
 */
final class SgemmVectorKernel implements SgemmMicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();

    @Override
    public int nr() {
        return 2 * LANES;
    }

    /** MR x 2 vectors. */
    @Override
    public void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                     boolean accumulate, float[] bias, int biasOff, boolean relu, float slope) {
        final int width = 2 * LANES;
        FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S); FloatVector c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S); FloatVector c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S); FloatVector c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S); FloatVector c71 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int bk = bOff + k * width;
            FloatVector b0 = FloatVector.fromArray(S, b, bk + 0 * LANES);
            FloatVector b1 = FloatVector.fromArray(S, b, bk + 1 * LANES);
            int ak = aOff + k * MR;
            FloatVector a0 = FloatVector.broadcast(S, a[ak + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ak + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ak + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ak + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ak + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ak + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ak + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ak + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        float start0 = bias == null ? 0f : bias[biasOff + 0];
        store(c00, c, cOff + 0 * ldc + 0 * LANES, accumulate, start0, relu, slope);
        store(c01, c, cOff + 0 * ldc + 1 * LANES, accumulate, start0, relu, slope);
        float start1 = bias == null ? 0f : bias[biasOff + 1];
        store(c10, c, cOff + 1 * ldc + 0 * LANES, accumulate, start1, relu, slope);
        store(c11, c, cOff + 1 * ldc + 1 * LANES, accumulate, start1, relu, slope);
        float start2 = bias == null ? 0f : bias[biasOff + 2];
        store(c20, c, cOff + 2 * ldc + 0 * LANES, accumulate, start2, relu, slope);
        store(c21, c, cOff + 2 * ldc + 1 * LANES, accumulate, start2, relu, slope);
        float start3 = bias == null ? 0f : bias[biasOff + 3];
        store(c30, c, cOff + 3 * ldc + 0 * LANES, accumulate, start3, relu, slope);
        store(c31, c, cOff + 3 * ldc + 1 * LANES, accumulate, start3, relu, slope);
        float start4 = bias == null ? 0f : bias[biasOff + 4];
        store(c40, c, cOff + 4 * ldc + 0 * LANES, accumulate, start4, relu, slope);
        store(c41, c, cOff + 4 * ldc + 1 * LANES, accumulate, start4, relu, slope);
        float start5 = bias == null ? 0f : bias[biasOff + 5];
        store(c50, c, cOff + 5 * ldc + 0 * LANES, accumulate, start5, relu, slope);
        store(c51, c, cOff + 5 * ldc + 1 * LANES, accumulate, start5, relu, slope);
        float start6 = bias == null ? 0f : bias[biasOff + 6];
        store(c60, c, cOff + 6 * ldc + 0 * LANES, accumulate, start6, relu, slope);
        store(c61, c, cOff + 6 * ldc + 1 * LANES, accumulate, start6, relu, slope);
        float start7 = bias == null ? 0f : bias[biasOff + 7];
        store(c70, c, cOff + 7 * ldc + 0 * LANES, accumulate, start7, relu, slope);
        store(c71, c, cOff + 7 * ldc + 1 * LANES, accumulate, start7, relu, slope);
    }

    /** MR x 1 vector: the column remainder. */
    @Override
    public void halfTile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                     boolean accumulate, float[] bias, int biasOff, boolean relu, float slope) {
        final int width = 1 * LANES;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            int bk = bOff + k * width;
            FloatVector b0 = FloatVector.fromArray(S, b, bk + 0 * LANES);
            int ak = aOff + k * MR;
            FloatVector a0 = FloatVector.broadcast(S, a[ak + 0]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, a[ak + 1]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, a[ak + 2]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, a[ak + 3]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, a[ak + 4]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(S, a[ak + 5]);
            c50 = a5.fma(b0, c50);
            FloatVector a6 = FloatVector.broadcast(S, a[ak + 6]);
            c60 = a6.fma(b0, c60);
            FloatVector a7 = FloatVector.broadcast(S, a[ak + 7]);
            c70 = a7.fma(b0, c70);
        }
        float start0 = bias == null ? 0f : bias[biasOff + 0];
        store(c00, c, cOff + 0 * ldc + 0 * LANES, accumulate, start0, relu, slope);
        float start1 = bias == null ? 0f : bias[biasOff + 1];
        store(c10, c, cOff + 1 * ldc + 0 * LANES, accumulate, start1, relu, slope);
        float start2 = bias == null ? 0f : bias[biasOff + 2];
        store(c20, c, cOff + 2 * ldc + 0 * LANES, accumulate, start2, relu, slope);
        float start3 = bias == null ? 0f : bias[biasOff + 3];
        store(c30, c, cOff + 3 * ldc + 0 * LANES, accumulate, start3, relu, slope);
        float start4 = bias == null ? 0f : bias[biasOff + 4];
        store(c40, c, cOff + 4 * ldc + 0 * LANES, accumulate, start4, relu, slope);
        float start5 = bias == null ? 0f : bias[biasOff + 5];
        store(c50, c, cOff + 5 * ldc + 0 * LANES, accumulate, start5, relu, slope);
        float start6 = bias == null ? 0f : bias[biasOff + 6];
        store(c60, c, cOff + 6 * ldc + 0 * LANES, accumulate, start6, relu, slope);
        float start7 = bias == null ? 0f : bias[biasOff + 7];
        store(c70, c, cOff + 7 * ldc + 0 * LANES, accumulate, start7, relu, slope);
    }

    /** The fused output pass: start value (bias or the existing C), then ReLU; same order as the scalar twin. */
    private static void store(FloatVector acc, float[] c, int off, boolean accumulate, float start, boolean relu,
                              float slope) {
        FloatVector v = accumulate ? acc.add(FloatVector.fromArray(S, c, off)) : acc.add(start);
        if (relu) {
            v = v.blend(v.mul(slope), v.compare(VectorOperators.LE, 0f));
        }
        v.intoArray(c, off);
    }
}
