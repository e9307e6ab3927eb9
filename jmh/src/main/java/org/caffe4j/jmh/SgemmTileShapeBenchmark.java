package org.caffe4j.jmh;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.caffe4j.kernels.simd.Simd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Register-tile shapes (rows of A x vectors of B) for the SGEMM micro-kernel on operands that sit in L1, one thread,
 * K = 256: the study behind SgemmVectorKernel's 8 x 2-vector tile (and its two 4-row passes with 16 registers).
 * The {@code kernel-*} tiles are the production kernel with its output pass; the others are bare candidates written
 * out here. One call does 2 x 256 x rows x vectors x lanes flops: GFLOP/s = that / the reported ns. Tile names
 * assume 16-float vectors (AVX-512); with AVX2's 8-float vectors halve the column count.
 * <pre>
 * java -jar jmh/target/benchmarks.jar SgemmTileShape
 * </pre>
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
public class SgemmTileShapeBenchmark extends KernelBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    private static final int KC = 256;
    private static final int LDC = 256;

    /** rows x columns (16-float vectors); "kernel-*" = SgemmVectorKernel itself. */
    @Param({"kernel-bias-relu", "kernel-accumulate", "kernel-half-bias-relu", "8x32", "8x32-two-4-row-passes",
            "6x48", "8x48", "12x32", "4x64", "16x16"})
    public String tile;

    private interface Tile {
        void run(float[] a, float[] b, float[] c);
    }

    private Tile run;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setUp() {
        SgemmMicroKernel real = Simd.sgemmKernel();
        float[] bias = new float[SgemmMicroKernel.MR];
        int rows;
        int vectors;
        switch (tile) {
            case "kernel-bias-relu" -> {
                rows = 8; vectors = 2;
                run = (a, b, c) -> real.tile(KC, a, 0, b, 0, c, 0, LDC, false, bias, 0, true, 0f);
            }
            case "kernel-accumulate" -> {
                rows = 8; vectors = 2;
                run = (a, b, c) -> real.tile(KC, a, 0, b, 0, c, 0, LDC, true, null, 0, false, 0f);
            }
            case "kernel-half-bias-relu" -> {
                rows = 8; vectors = 1;
                run = (a, b, c) -> real.halfTile(KC, a, 0, b, 0, c, 0, LDC, false, bias, 0, true, 0f);
            }
            case "8x32" -> {
                rows = 8; vectors = 2;
                run = (a, b, c) -> tile8x2(KC, a, b, c, LDC);
            }
            case "8x32-two-4-row-passes" -> {
                rows = 8; vectors = 2;
                run = (a, b, c) -> {
                    tile4x2(KC, a, 0, b, c, 0, LDC);
                    tile4x2(KC, a, 4, b, c, 4 * LDC, LDC);
                };
            }
            case "6x48" -> {
                rows = 6; vectors = 3;
                run = (a, b, c) -> tile6x3(KC, a, b, c, LDC);
            }
            case "8x48" -> {
                rows = 8; vectors = 3;
                run = (a, b, c) -> tile8x3(KC, a, b, c, LDC);
            }
            case "12x32" -> {
                rows = 12; vectors = 2;
                run = (a, b, c) -> tile12x2(KC, a, b, c, LDC);
            }
            case "4x64" -> {
                rows = 4; vectors = 4;
                run = (a, b, c) -> tile4x4(KC, a, b, c, LDC);
            }
            case "16x16" -> {
                rows = 16; vectors = 1;
                run = (a, b, c) -> tile16x1(KC, a, b, c, LDC);
            }
            default -> throw new IllegalArgumentException("unknown tile " + tile);
        }
        a = new float[KC * rows];
        b = new float[KC * vectors * LANES];
        c = new float[16 * LDC];
        Arrays.fill(a, 0.001f);
        Arrays.fill(b, 0.001f);
    }

    @Benchmark
    public float[] tile() {
        run.run(a, b, c);
        return c;
    }

    /** 8 rows x 2 vectors. */
    static void tile8x2(int kc, float[] a, float[] b, float[] c, int ldc) {
        FloatVector c0_0 = FloatVector.zero(S); FloatVector c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S); FloatVector c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S); FloatVector c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S); FloatVector c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S); FloatVector c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S); FloatVector c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S); FloatVector c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S); FloatVector c7_1 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            FloatVector b0 = FloatVector.fromArray(S, b, k * 2 * LANES + 0 * LANES);
            FloatVector b1 = FloatVector.fromArray(S, b, k * 2 * LANES + 1 * LANES);
            FloatVector a0 = FloatVector.broadcast(S, a[k * 8 + 0]);
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, a[k * 8 + 1]);
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, a[k * 8 + 2]);
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, a[k * 8 + 3]);
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, a[k * 8 + 4]);
            c4_0 = a4.fma(b0, c4_0);
            c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, a[k * 8 + 5]);
            c5_0 = a5.fma(b0, c5_0);
            c5_1 = a5.fma(b1, c5_1);
            FloatVector a6 = FloatVector.broadcast(S, a[k * 8 + 6]);
            c6_0 = a6.fma(b0, c6_0);
            c6_1 = a6.fma(b1, c6_1);
            FloatVector a7 = FloatVector.broadcast(S, a[k * 8 + 7]);
            c7_0 = a7.fma(b0, c7_0);
            c7_1 = a7.fma(b1, c7_1);
        }
        c0_0.add(FloatVector.fromArray(S, c, 0 * ldc + 0 * LANES)).intoArray(c, 0 * ldc + 0 * LANES);
        c0_1.add(FloatVector.fromArray(S, c, 0 * ldc + 1 * LANES)).intoArray(c, 0 * ldc + 1 * LANES);
        c1_0.add(FloatVector.fromArray(S, c, 1 * ldc + 0 * LANES)).intoArray(c, 1 * ldc + 0 * LANES);
        c1_1.add(FloatVector.fromArray(S, c, 1 * ldc + 1 * LANES)).intoArray(c, 1 * ldc + 1 * LANES);
        c2_0.add(FloatVector.fromArray(S, c, 2 * ldc + 0 * LANES)).intoArray(c, 2 * ldc + 0 * LANES);
        c2_1.add(FloatVector.fromArray(S, c, 2 * ldc + 1 * LANES)).intoArray(c, 2 * ldc + 1 * LANES);
        c3_0.add(FloatVector.fromArray(S, c, 3 * ldc + 0 * LANES)).intoArray(c, 3 * ldc + 0 * LANES);
        c3_1.add(FloatVector.fromArray(S, c, 3 * ldc + 1 * LANES)).intoArray(c, 3 * ldc + 1 * LANES);
        c4_0.add(FloatVector.fromArray(S, c, 4 * ldc + 0 * LANES)).intoArray(c, 4 * ldc + 0 * LANES);
        c4_1.add(FloatVector.fromArray(S, c, 4 * ldc + 1 * LANES)).intoArray(c, 4 * ldc + 1 * LANES);
        c5_0.add(FloatVector.fromArray(S, c, 5 * ldc + 0 * LANES)).intoArray(c, 5 * ldc + 0 * LANES);
        c5_1.add(FloatVector.fromArray(S, c, 5 * ldc + 1 * LANES)).intoArray(c, 5 * ldc + 1 * LANES);
        c6_0.add(FloatVector.fromArray(S, c, 6 * ldc + 0 * LANES)).intoArray(c, 6 * ldc + 0 * LANES);
        c6_1.add(FloatVector.fromArray(S, c, 6 * ldc + 1 * LANES)).intoArray(c, 6 * ldc + 1 * LANES);
        c7_0.add(FloatVector.fromArray(S, c, 7 * ldc + 0 * LANES)).intoArray(c, 7 * ldc + 0 * LANES);
        c7_1.add(FloatVector.fromArray(S, c, 7 * ldc + 1 * LANES)).intoArray(c, 7 * ldc + 1 * LANES);
    }
    /** Rows aOff..aOff+3 of an 8-row A panel x 2 vectors (the AVX2 pass of SgemmVectorKernel). */
    static void tile4x2(int kc, float[] a, int aOff, float[] b, float[] c, int cOff, int ldc) {
        FloatVector c0_0 = FloatVector.zero(S); FloatVector c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S); FloatVector c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S); FloatVector c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S); FloatVector c3_1 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            FloatVector b0 = FloatVector.fromArray(S, b, k * 2 * LANES + 0 * LANES);
            FloatVector b1 = FloatVector.fromArray(S, b, k * 2 * LANES + 1 * LANES);
            FloatVector a0 = FloatVector.broadcast(S, a[aOff + k * 8 + 0]);
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, a[aOff + k * 8 + 1]);
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, a[aOff + k * 8 + 2]);
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, a[aOff + k * 8 + 3]);
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
        }
        c0_0.add(FloatVector.fromArray(S, c, cOff + 0 * ldc + 0 * LANES)).intoArray(c, cOff + 0 * ldc + 0 * LANES);
        c0_1.add(FloatVector.fromArray(S, c, cOff + 0 * ldc + 1 * LANES)).intoArray(c, cOff + 0 * ldc + 1 * LANES);
        c1_0.add(FloatVector.fromArray(S, c, cOff + 1 * ldc + 0 * LANES)).intoArray(c, cOff + 1 * ldc + 0 * LANES);
        c1_1.add(FloatVector.fromArray(S, c, cOff + 1 * ldc + 1 * LANES)).intoArray(c, cOff + 1 * ldc + 1 * LANES);
        c2_0.add(FloatVector.fromArray(S, c, cOff + 2 * ldc + 0 * LANES)).intoArray(c, cOff + 2 * ldc + 0 * LANES);
        c2_1.add(FloatVector.fromArray(S, c, cOff + 2 * ldc + 1 * LANES)).intoArray(c, cOff + 2 * ldc + 1 * LANES);
        c3_0.add(FloatVector.fromArray(S, c, cOff + 3 * ldc + 0 * LANES)).intoArray(c, cOff + 3 * ldc + 0 * LANES);
        c3_1.add(FloatVector.fromArray(S, c, cOff + 3 * ldc + 1 * LANES)).intoArray(c, cOff + 3 * ldc + 1 * LANES);
    }

    /** 6 rows x 3 vectors. */
    static void tile6x3(int kc, float[] a, float[] b, float[] c, int ldc) {
        FloatVector c0_0 = FloatVector.zero(S); FloatVector c0_1 = FloatVector.zero(S); FloatVector c0_2 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S); FloatVector c1_1 = FloatVector.zero(S); FloatVector c1_2 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S); FloatVector c2_1 = FloatVector.zero(S); FloatVector c2_2 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S); FloatVector c3_1 = FloatVector.zero(S); FloatVector c3_2 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S); FloatVector c4_1 = FloatVector.zero(S); FloatVector c4_2 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S); FloatVector c5_1 = FloatVector.zero(S); FloatVector c5_2 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            FloatVector b0 = FloatVector.fromArray(S, b, k * 3 * LANES + 0 * LANES);
            FloatVector b1 = FloatVector.fromArray(S, b, k * 3 * LANES + 1 * LANES);
            FloatVector b2 = FloatVector.fromArray(S, b, k * 3 * LANES + 2 * LANES);
            FloatVector a0 = FloatVector.broadcast(S, a[k * 6 + 0]);
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            c0_2 = a0.fma(b2, c0_2);
            FloatVector a1 = FloatVector.broadcast(S, a[k * 6 + 1]);
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            c1_2 = a1.fma(b2, c1_2);
            FloatVector a2 = FloatVector.broadcast(S, a[k * 6 + 2]);
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            c2_2 = a2.fma(b2, c2_2);
            FloatVector a3 = FloatVector.broadcast(S, a[k * 6 + 3]);
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            c3_2 = a3.fma(b2, c3_2);
            FloatVector a4 = FloatVector.broadcast(S, a[k * 6 + 4]);
            c4_0 = a4.fma(b0, c4_0);
            c4_1 = a4.fma(b1, c4_1);
            c4_2 = a4.fma(b2, c4_2);
            FloatVector a5 = FloatVector.broadcast(S, a[k * 6 + 5]);
            c5_0 = a5.fma(b0, c5_0);
            c5_1 = a5.fma(b1, c5_1);
            c5_2 = a5.fma(b2, c5_2);
        }
        c0_0.add(FloatVector.fromArray(S, c, 0 * ldc + 0 * LANES)).intoArray(c, 0 * ldc + 0 * LANES);
        c0_1.add(FloatVector.fromArray(S, c, 0 * ldc + 1 * LANES)).intoArray(c, 0 * ldc + 1 * LANES);
        c0_2.add(FloatVector.fromArray(S, c, 0 * ldc + 2 * LANES)).intoArray(c, 0 * ldc + 2 * LANES);
        c1_0.add(FloatVector.fromArray(S, c, 1 * ldc + 0 * LANES)).intoArray(c, 1 * ldc + 0 * LANES);
        c1_1.add(FloatVector.fromArray(S, c, 1 * ldc + 1 * LANES)).intoArray(c, 1 * ldc + 1 * LANES);
        c1_2.add(FloatVector.fromArray(S, c, 1 * ldc + 2 * LANES)).intoArray(c, 1 * ldc + 2 * LANES);
        c2_0.add(FloatVector.fromArray(S, c, 2 * ldc + 0 * LANES)).intoArray(c, 2 * ldc + 0 * LANES);
        c2_1.add(FloatVector.fromArray(S, c, 2 * ldc + 1 * LANES)).intoArray(c, 2 * ldc + 1 * LANES);
        c2_2.add(FloatVector.fromArray(S, c, 2 * ldc + 2 * LANES)).intoArray(c, 2 * ldc + 2 * LANES);
        c3_0.add(FloatVector.fromArray(S, c, 3 * ldc + 0 * LANES)).intoArray(c, 3 * ldc + 0 * LANES);
        c3_1.add(FloatVector.fromArray(S, c, 3 * ldc + 1 * LANES)).intoArray(c, 3 * ldc + 1 * LANES);
        c3_2.add(FloatVector.fromArray(S, c, 3 * ldc + 2 * LANES)).intoArray(c, 3 * ldc + 2 * LANES);
        c4_0.add(FloatVector.fromArray(S, c, 4 * ldc + 0 * LANES)).intoArray(c, 4 * ldc + 0 * LANES);
        c4_1.add(FloatVector.fromArray(S, c, 4 * ldc + 1 * LANES)).intoArray(c, 4 * ldc + 1 * LANES);
        c4_2.add(FloatVector.fromArray(S, c, 4 * ldc + 2 * LANES)).intoArray(c, 4 * ldc + 2 * LANES);
        c5_0.add(FloatVector.fromArray(S, c, 5 * ldc + 0 * LANES)).intoArray(c, 5 * ldc + 0 * LANES);
        c5_1.add(FloatVector.fromArray(S, c, 5 * ldc + 1 * LANES)).intoArray(c, 5 * ldc + 1 * LANES);
        c5_2.add(FloatVector.fromArray(S, c, 5 * ldc + 2 * LANES)).intoArray(c, 5 * ldc + 2 * LANES);
    }
    /** 8 rows x 3 vectors. */
    static void tile8x3(int kc, float[] a, float[] b, float[] c, int ldc) {
        FloatVector c0_0 = FloatVector.zero(S); FloatVector c0_1 = FloatVector.zero(S); FloatVector c0_2 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S); FloatVector c1_1 = FloatVector.zero(S); FloatVector c1_2 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S); FloatVector c2_1 = FloatVector.zero(S); FloatVector c2_2 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S); FloatVector c3_1 = FloatVector.zero(S); FloatVector c3_2 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S); FloatVector c4_1 = FloatVector.zero(S); FloatVector c4_2 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S); FloatVector c5_1 = FloatVector.zero(S); FloatVector c5_2 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S); FloatVector c6_1 = FloatVector.zero(S); FloatVector c6_2 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S); FloatVector c7_1 = FloatVector.zero(S); FloatVector c7_2 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            FloatVector b0 = FloatVector.fromArray(S, b, k * 3 * LANES + 0 * LANES);
            FloatVector b1 = FloatVector.fromArray(S, b, k * 3 * LANES + 1 * LANES);
            FloatVector b2 = FloatVector.fromArray(S, b, k * 3 * LANES + 2 * LANES);
            FloatVector a0 = FloatVector.broadcast(S, a[k * 8 + 0]);
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            c0_2 = a0.fma(b2, c0_2);
            FloatVector a1 = FloatVector.broadcast(S, a[k * 8 + 1]);
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            c1_2 = a1.fma(b2, c1_2);
            FloatVector a2 = FloatVector.broadcast(S, a[k * 8 + 2]);
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            c2_2 = a2.fma(b2, c2_2);
            FloatVector a3 = FloatVector.broadcast(S, a[k * 8 + 3]);
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            c3_2 = a3.fma(b2, c3_2);
            FloatVector a4 = FloatVector.broadcast(S, a[k * 8 + 4]);
            c4_0 = a4.fma(b0, c4_0);
            c4_1 = a4.fma(b1, c4_1);
            c4_2 = a4.fma(b2, c4_2);
            FloatVector a5 = FloatVector.broadcast(S, a[k * 8 + 5]);
            c5_0 = a5.fma(b0, c5_0);
            c5_1 = a5.fma(b1, c5_1);
            c5_2 = a5.fma(b2, c5_2);
            FloatVector a6 = FloatVector.broadcast(S, a[k * 8 + 6]);
            c6_0 = a6.fma(b0, c6_0);
            c6_1 = a6.fma(b1, c6_1);
            c6_2 = a6.fma(b2, c6_2);
            FloatVector a7 = FloatVector.broadcast(S, a[k * 8 + 7]);
            c7_0 = a7.fma(b0, c7_0);
            c7_1 = a7.fma(b1, c7_1);
            c7_2 = a7.fma(b2, c7_2);
        }
        c0_0.add(FloatVector.fromArray(S, c, 0 * ldc + 0 * LANES)).intoArray(c, 0 * ldc + 0 * LANES);
        c0_1.add(FloatVector.fromArray(S, c, 0 * ldc + 1 * LANES)).intoArray(c, 0 * ldc + 1 * LANES);
        c0_2.add(FloatVector.fromArray(S, c, 0 * ldc + 2 * LANES)).intoArray(c, 0 * ldc + 2 * LANES);
        c1_0.add(FloatVector.fromArray(S, c, 1 * ldc + 0 * LANES)).intoArray(c, 1 * ldc + 0 * LANES);
        c1_1.add(FloatVector.fromArray(S, c, 1 * ldc + 1 * LANES)).intoArray(c, 1 * ldc + 1 * LANES);
        c1_2.add(FloatVector.fromArray(S, c, 1 * ldc + 2 * LANES)).intoArray(c, 1 * ldc + 2 * LANES);
        c2_0.add(FloatVector.fromArray(S, c, 2 * ldc + 0 * LANES)).intoArray(c, 2 * ldc + 0 * LANES);
        c2_1.add(FloatVector.fromArray(S, c, 2 * ldc + 1 * LANES)).intoArray(c, 2 * ldc + 1 * LANES);
        c2_2.add(FloatVector.fromArray(S, c, 2 * ldc + 2 * LANES)).intoArray(c, 2 * ldc + 2 * LANES);
        c3_0.add(FloatVector.fromArray(S, c, 3 * ldc + 0 * LANES)).intoArray(c, 3 * ldc + 0 * LANES);
        c3_1.add(FloatVector.fromArray(S, c, 3 * ldc + 1 * LANES)).intoArray(c, 3 * ldc + 1 * LANES);
        c3_2.add(FloatVector.fromArray(S, c, 3 * ldc + 2 * LANES)).intoArray(c, 3 * ldc + 2 * LANES);
        c4_0.add(FloatVector.fromArray(S, c, 4 * ldc + 0 * LANES)).intoArray(c, 4 * ldc + 0 * LANES);
        c4_1.add(FloatVector.fromArray(S, c, 4 * ldc + 1 * LANES)).intoArray(c, 4 * ldc + 1 * LANES);
        c4_2.add(FloatVector.fromArray(S, c, 4 * ldc + 2 * LANES)).intoArray(c, 4 * ldc + 2 * LANES);
        c5_0.add(FloatVector.fromArray(S, c, 5 * ldc + 0 * LANES)).intoArray(c, 5 * ldc + 0 * LANES);
        c5_1.add(FloatVector.fromArray(S, c, 5 * ldc + 1 * LANES)).intoArray(c, 5 * ldc + 1 * LANES);
        c5_2.add(FloatVector.fromArray(S, c, 5 * ldc + 2 * LANES)).intoArray(c, 5 * ldc + 2 * LANES);
        c6_0.add(FloatVector.fromArray(S, c, 6 * ldc + 0 * LANES)).intoArray(c, 6 * ldc + 0 * LANES);
        c6_1.add(FloatVector.fromArray(S, c, 6 * ldc + 1 * LANES)).intoArray(c, 6 * ldc + 1 * LANES);
        c6_2.add(FloatVector.fromArray(S, c, 6 * ldc + 2 * LANES)).intoArray(c, 6 * ldc + 2 * LANES);
        c7_0.add(FloatVector.fromArray(S, c, 7 * ldc + 0 * LANES)).intoArray(c, 7 * ldc + 0 * LANES);
        c7_1.add(FloatVector.fromArray(S, c, 7 * ldc + 1 * LANES)).intoArray(c, 7 * ldc + 1 * LANES);
        c7_2.add(FloatVector.fromArray(S, c, 7 * ldc + 2 * LANES)).intoArray(c, 7 * ldc + 2 * LANES);
    }
    /** 12 rows x 2 vectors. */
    static void tile12x2(int kc, float[] a, float[] b, float[] c, int ldc) {
        FloatVector c0_0 = FloatVector.zero(S); FloatVector c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S); FloatVector c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S); FloatVector c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S); FloatVector c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S); FloatVector c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S); FloatVector c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S); FloatVector c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S); FloatVector c7_1 = FloatVector.zero(S);
        FloatVector c8_0 = FloatVector.zero(S); FloatVector c8_1 = FloatVector.zero(S);
        FloatVector c9_0 = FloatVector.zero(S); FloatVector c9_1 = FloatVector.zero(S);
        FloatVector c10_0 = FloatVector.zero(S); FloatVector c10_1 = FloatVector.zero(S);
        FloatVector c11_0 = FloatVector.zero(S); FloatVector c11_1 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            FloatVector b0 = FloatVector.fromArray(S, b, k * 2 * LANES + 0 * LANES);
            FloatVector b1 = FloatVector.fromArray(S, b, k * 2 * LANES + 1 * LANES);
            FloatVector a0 = FloatVector.broadcast(S, a[k * 12 + 0]);
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, a[k * 12 + 1]);
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, a[k * 12 + 2]);
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, a[k * 12 + 3]);
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, a[k * 12 + 4]);
            c4_0 = a4.fma(b0, c4_0);
            c4_1 = a4.fma(b1, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, a[k * 12 + 5]);
            c5_0 = a5.fma(b0, c5_0);
            c5_1 = a5.fma(b1, c5_1);
            FloatVector a6 = FloatVector.broadcast(S, a[k * 12 + 6]);
            c6_0 = a6.fma(b0, c6_0);
            c6_1 = a6.fma(b1, c6_1);
            FloatVector a7 = FloatVector.broadcast(S, a[k * 12 + 7]);
            c7_0 = a7.fma(b0, c7_0);
            c7_1 = a7.fma(b1, c7_1);
            FloatVector a8 = FloatVector.broadcast(S, a[k * 12 + 8]);
            c8_0 = a8.fma(b0, c8_0);
            c8_1 = a8.fma(b1, c8_1);
            FloatVector a9 = FloatVector.broadcast(S, a[k * 12 + 9]);
            c9_0 = a9.fma(b0, c9_0);
            c9_1 = a9.fma(b1, c9_1);
            FloatVector a10 = FloatVector.broadcast(S, a[k * 12 + 10]);
            c10_0 = a10.fma(b0, c10_0);
            c10_1 = a10.fma(b1, c10_1);
            FloatVector a11 = FloatVector.broadcast(S, a[k * 12 + 11]);
            c11_0 = a11.fma(b0, c11_0);
            c11_1 = a11.fma(b1, c11_1);
        }
        c0_0.add(FloatVector.fromArray(S, c, 0 * ldc + 0 * LANES)).intoArray(c, 0 * ldc + 0 * LANES);
        c0_1.add(FloatVector.fromArray(S, c, 0 * ldc + 1 * LANES)).intoArray(c, 0 * ldc + 1 * LANES);
        c1_0.add(FloatVector.fromArray(S, c, 1 * ldc + 0 * LANES)).intoArray(c, 1 * ldc + 0 * LANES);
        c1_1.add(FloatVector.fromArray(S, c, 1 * ldc + 1 * LANES)).intoArray(c, 1 * ldc + 1 * LANES);
        c2_0.add(FloatVector.fromArray(S, c, 2 * ldc + 0 * LANES)).intoArray(c, 2 * ldc + 0 * LANES);
        c2_1.add(FloatVector.fromArray(S, c, 2 * ldc + 1 * LANES)).intoArray(c, 2 * ldc + 1 * LANES);
        c3_0.add(FloatVector.fromArray(S, c, 3 * ldc + 0 * LANES)).intoArray(c, 3 * ldc + 0 * LANES);
        c3_1.add(FloatVector.fromArray(S, c, 3 * ldc + 1 * LANES)).intoArray(c, 3 * ldc + 1 * LANES);
        c4_0.add(FloatVector.fromArray(S, c, 4 * ldc + 0 * LANES)).intoArray(c, 4 * ldc + 0 * LANES);
        c4_1.add(FloatVector.fromArray(S, c, 4 * ldc + 1 * LANES)).intoArray(c, 4 * ldc + 1 * LANES);
        c5_0.add(FloatVector.fromArray(S, c, 5 * ldc + 0 * LANES)).intoArray(c, 5 * ldc + 0 * LANES);
        c5_1.add(FloatVector.fromArray(S, c, 5 * ldc + 1 * LANES)).intoArray(c, 5 * ldc + 1 * LANES);
        c6_0.add(FloatVector.fromArray(S, c, 6 * ldc + 0 * LANES)).intoArray(c, 6 * ldc + 0 * LANES);
        c6_1.add(FloatVector.fromArray(S, c, 6 * ldc + 1 * LANES)).intoArray(c, 6 * ldc + 1 * LANES);
        c7_0.add(FloatVector.fromArray(S, c, 7 * ldc + 0 * LANES)).intoArray(c, 7 * ldc + 0 * LANES);
        c7_1.add(FloatVector.fromArray(S, c, 7 * ldc + 1 * LANES)).intoArray(c, 7 * ldc + 1 * LANES);
        c8_0.add(FloatVector.fromArray(S, c, 8 * ldc + 0 * LANES)).intoArray(c, 8 * ldc + 0 * LANES);
        c8_1.add(FloatVector.fromArray(S, c, 8 * ldc + 1 * LANES)).intoArray(c, 8 * ldc + 1 * LANES);
        c9_0.add(FloatVector.fromArray(S, c, 9 * ldc + 0 * LANES)).intoArray(c, 9 * ldc + 0 * LANES);
        c9_1.add(FloatVector.fromArray(S, c, 9 * ldc + 1 * LANES)).intoArray(c, 9 * ldc + 1 * LANES);
        c10_0.add(FloatVector.fromArray(S, c, 10 * ldc + 0 * LANES)).intoArray(c, 10 * ldc + 0 * LANES);
        c10_1.add(FloatVector.fromArray(S, c, 10 * ldc + 1 * LANES)).intoArray(c, 10 * ldc + 1 * LANES);
        c11_0.add(FloatVector.fromArray(S, c, 11 * ldc + 0 * LANES)).intoArray(c, 11 * ldc + 0 * LANES);
        c11_1.add(FloatVector.fromArray(S, c, 11 * ldc + 1 * LANES)).intoArray(c, 11 * ldc + 1 * LANES);
    }
    /** 4 rows x 4 vectors. */
    static void tile4x4(int kc, float[] a, float[] b, float[] c, int ldc) {
        FloatVector c0_0 = FloatVector.zero(S); FloatVector c0_1 = FloatVector.zero(S); FloatVector c0_2 = FloatVector.zero(S); FloatVector c0_3 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S); FloatVector c1_1 = FloatVector.zero(S); FloatVector c1_2 = FloatVector.zero(S); FloatVector c1_3 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S); FloatVector c2_1 = FloatVector.zero(S); FloatVector c2_2 = FloatVector.zero(S); FloatVector c2_3 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S); FloatVector c3_1 = FloatVector.zero(S); FloatVector c3_2 = FloatVector.zero(S); FloatVector c3_3 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            FloatVector b0 = FloatVector.fromArray(S, b, k * 4 * LANES + 0 * LANES);
            FloatVector b1 = FloatVector.fromArray(S, b, k * 4 * LANES + 1 * LANES);
            FloatVector b2 = FloatVector.fromArray(S, b, k * 4 * LANES + 2 * LANES);
            FloatVector b3 = FloatVector.fromArray(S, b, k * 4 * LANES + 3 * LANES);
            FloatVector a0 = FloatVector.broadcast(S, a[k * 4 + 0]);
            c0_0 = a0.fma(b0, c0_0);
            c0_1 = a0.fma(b1, c0_1);
            c0_2 = a0.fma(b2, c0_2);
            c0_3 = a0.fma(b3, c0_3);
            FloatVector a1 = FloatVector.broadcast(S, a[k * 4 + 1]);
            c1_0 = a1.fma(b0, c1_0);
            c1_1 = a1.fma(b1, c1_1);
            c1_2 = a1.fma(b2, c1_2);
            c1_3 = a1.fma(b3, c1_3);
            FloatVector a2 = FloatVector.broadcast(S, a[k * 4 + 2]);
            c2_0 = a2.fma(b0, c2_0);
            c2_1 = a2.fma(b1, c2_1);
            c2_2 = a2.fma(b2, c2_2);
            c2_3 = a2.fma(b3, c2_3);
            FloatVector a3 = FloatVector.broadcast(S, a[k * 4 + 3]);
            c3_0 = a3.fma(b0, c3_0);
            c3_1 = a3.fma(b1, c3_1);
            c3_2 = a3.fma(b2, c3_2);
            c3_3 = a3.fma(b3, c3_3);
        }
        c0_0.add(FloatVector.fromArray(S, c, 0 * ldc + 0 * LANES)).intoArray(c, 0 * ldc + 0 * LANES);
        c0_1.add(FloatVector.fromArray(S, c, 0 * ldc + 1 * LANES)).intoArray(c, 0 * ldc + 1 * LANES);
        c0_2.add(FloatVector.fromArray(S, c, 0 * ldc + 2 * LANES)).intoArray(c, 0 * ldc + 2 * LANES);
        c0_3.add(FloatVector.fromArray(S, c, 0 * ldc + 3 * LANES)).intoArray(c, 0 * ldc + 3 * LANES);
        c1_0.add(FloatVector.fromArray(S, c, 1 * ldc + 0 * LANES)).intoArray(c, 1 * ldc + 0 * LANES);
        c1_1.add(FloatVector.fromArray(S, c, 1 * ldc + 1 * LANES)).intoArray(c, 1 * ldc + 1 * LANES);
        c1_2.add(FloatVector.fromArray(S, c, 1 * ldc + 2 * LANES)).intoArray(c, 1 * ldc + 2 * LANES);
        c1_3.add(FloatVector.fromArray(S, c, 1 * ldc + 3 * LANES)).intoArray(c, 1 * ldc + 3 * LANES);
        c2_0.add(FloatVector.fromArray(S, c, 2 * ldc + 0 * LANES)).intoArray(c, 2 * ldc + 0 * LANES);
        c2_1.add(FloatVector.fromArray(S, c, 2 * ldc + 1 * LANES)).intoArray(c, 2 * ldc + 1 * LANES);
        c2_2.add(FloatVector.fromArray(S, c, 2 * ldc + 2 * LANES)).intoArray(c, 2 * ldc + 2 * LANES);
        c2_3.add(FloatVector.fromArray(S, c, 2 * ldc + 3 * LANES)).intoArray(c, 2 * ldc + 3 * LANES);
        c3_0.add(FloatVector.fromArray(S, c, 3 * ldc + 0 * LANES)).intoArray(c, 3 * ldc + 0 * LANES);
        c3_1.add(FloatVector.fromArray(S, c, 3 * ldc + 1 * LANES)).intoArray(c, 3 * ldc + 1 * LANES);
        c3_2.add(FloatVector.fromArray(S, c, 3 * ldc + 2 * LANES)).intoArray(c, 3 * ldc + 2 * LANES);
        c3_3.add(FloatVector.fromArray(S, c, 3 * ldc + 3 * LANES)).intoArray(c, 3 * ldc + 3 * LANES);
    }
    /** 16 rows x 1 vectors. */
    static void tile16x1(int kc, float[] a, float[] b, float[] c, int ldc) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S);
        FloatVector c8_0 = FloatVector.zero(S);
        FloatVector c9_0 = FloatVector.zero(S);
        FloatVector c10_0 = FloatVector.zero(S);
        FloatVector c11_0 = FloatVector.zero(S);
        FloatVector c12_0 = FloatVector.zero(S);
        FloatVector c13_0 = FloatVector.zero(S);
        FloatVector c14_0 = FloatVector.zero(S);
        FloatVector c15_0 = FloatVector.zero(S);
        for (int k = 0; k < kc; k++) {
            FloatVector b0 = FloatVector.fromArray(S, b, k * 1 * LANES + 0 * LANES);
            FloatVector a0 = FloatVector.broadcast(S, a[k * 16 + 0]);
            c0_0 = a0.fma(b0, c0_0);
            FloatVector a1 = FloatVector.broadcast(S, a[k * 16 + 1]);
            c1_0 = a1.fma(b0, c1_0);
            FloatVector a2 = FloatVector.broadcast(S, a[k * 16 + 2]);
            c2_0 = a2.fma(b0, c2_0);
            FloatVector a3 = FloatVector.broadcast(S, a[k * 16 + 3]);
            c3_0 = a3.fma(b0, c3_0);
            FloatVector a4 = FloatVector.broadcast(S, a[k * 16 + 4]);
            c4_0 = a4.fma(b0, c4_0);
            FloatVector a5 = FloatVector.broadcast(S, a[k * 16 + 5]);
            c5_0 = a5.fma(b0, c5_0);
            FloatVector a6 = FloatVector.broadcast(S, a[k * 16 + 6]);
            c6_0 = a6.fma(b0, c6_0);
            FloatVector a7 = FloatVector.broadcast(S, a[k * 16 + 7]);
            c7_0 = a7.fma(b0, c7_0);
            FloatVector a8 = FloatVector.broadcast(S, a[k * 16 + 8]);
            c8_0 = a8.fma(b0, c8_0);
            FloatVector a9 = FloatVector.broadcast(S, a[k * 16 + 9]);
            c9_0 = a9.fma(b0, c9_0);
            FloatVector a10 = FloatVector.broadcast(S, a[k * 16 + 10]);
            c10_0 = a10.fma(b0, c10_0);
            FloatVector a11 = FloatVector.broadcast(S, a[k * 16 + 11]);
            c11_0 = a11.fma(b0, c11_0);
            FloatVector a12 = FloatVector.broadcast(S, a[k * 16 + 12]);
            c12_0 = a12.fma(b0, c12_0);
            FloatVector a13 = FloatVector.broadcast(S, a[k * 16 + 13]);
            c13_0 = a13.fma(b0, c13_0);
            FloatVector a14 = FloatVector.broadcast(S, a[k * 16 + 14]);
            c14_0 = a14.fma(b0, c14_0);
            FloatVector a15 = FloatVector.broadcast(S, a[k * 16 + 15]);
            c15_0 = a15.fma(b0, c15_0);
        }
        c0_0.add(FloatVector.fromArray(S, c, 0 * ldc + 0 * LANES)).intoArray(c, 0 * ldc + 0 * LANES);
        c1_0.add(FloatVector.fromArray(S, c, 1 * ldc + 0 * LANES)).intoArray(c, 1 * ldc + 0 * LANES);
        c2_0.add(FloatVector.fromArray(S, c, 2 * ldc + 0 * LANES)).intoArray(c, 2 * ldc + 0 * LANES);
        c3_0.add(FloatVector.fromArray(S, c, 3 * ldc + 0 * LANES)).intoArray(c, 3 * ldc + 0 * LANES);
        c4_0.add(FloatVector.fromArray(S, c, 4 * ldc + 0 * LANES)).intoArray(c, 4 * ldc + 0 * LANES);
        c5_0.add(FloatVector.fromArray(S, c, 5 * ldc + 0 * LANES)).intoArray(c, 5 * ldc + 0 * LANES);
        c6_0.add(FloatVector.fromArray(S, c, 6 * ldc + 0 * LANES)).intoArray(c, 6 * ldc + 0 * LANES);
        c7_0.add(FloatVector.fromArray(S, c, 7 * ldc + 0 * LANES)).intoArray(c, 7 * ldc + 0 * LANES);
        c8_0.add(FloatVector.fromArray(S, c, 8 * ldc + 0 * LANES)).intoArray(c, 8 * ldc + 0 * LANES);
        c9_0.add(FloatVector.fromArray(S, c, 9 * ldc + 0 * LANES)).intoArray(c, 9 * ldc + 0 * LANES);
        c10_0.add(FloatVector.fromArray(S, c, 10 * ldc + 0 * LANES)).intoArray(c, 10 * ldc + 0 * LANES);
        c11_0.add(FloatVector.fromArray(S, c, 11 * ldc + 0 * LANES)).intoArray(c, 11 * ldc + 0 * LANES);
        c12_0.add(FloatVector.fromArray(S, c, 12 * ldc + 0 * LANES)).intoArray(c, 12 * ldc + 0 * LANES);
        c13_0.add(FloatVector.fromArray(S, c, 13 * ldc + 0 * LANES)).intoArray(c, 13 * ldc + 0 * LANES);
        c14_0.add(FloatVector.fromArray(S, c, 14 * ldc + 0 * LANES)).intoArray(c, 14 * ldc + 0 * LANES);
        c15_0.add(FloatVector.fromArray(S, c, 15 * ldc + 0 * LANES)).intoArray(c, 15 * ldc + 0 * LANES);
    }
}
