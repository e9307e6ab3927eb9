package org.caffe4j.jmh;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.gemm.PackedSgemm;
import org.caffe4j.kernels.gemm.PackedWeights;
import org.caffe4j.kernels.gemm.RowMajorPanels;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.caffe4j.kernels.simd.Simd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;

/**
 * The transposed few-columns GEMM of NIN's 6x6 layers at batch 1 (36 columns) with the vector kernel's own column
 * panels ({@code panels=kernel}: 12 columns on AVX-512 once its warm-up has compiled that tile, 8 on AVX2) against
 * 8-column panels ({@code panels=8}), so that a host where the 12-column panels do not pay shows it. Shapes:
 * conv4-1024 (1024 x 3456, 14 MB of weights) and cccp7 (1024 x 1024). Run it with the other NIN layers' weights
 * out of the way or not: {@code -p evict=true} reads 64 MB before each call (untimed), so that the weights come
 * from memory, as they do in a pass at batch 1.
 */
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class TransposedPanelsBenchmark extends KernelBenchmark {
    @Param({"3456", "1024"})
    public int depth;

    @Param({"kernel", "8"})
    public String panels;

    @Param({"false", "true"})
    public boolean evict;

    @Param({"2"})
    public int threads;

    private static final int ROWS = 1024;
    private static final int COLUMNS = 36;

    private PackedWeights weights;
    private float[] input;
    private float[] out;
    private float[] sweep;
    private SgemmMicroKernel kernel;
    private Parallel par;

    @Setup
    public void setUp() throws InterruptedException {
        Random rnd = new Random(42);
        weights = PackedWeights.pack(Workers.random(rnd, ROWS * depth, 0.01f), 0, 1, ROWS, depth,
                Workers.random(rnd, ROWS, 0.1f));
        input = Workers.random(rnd, depth * COLUMNS, 1f);
        out = new float[ROWS * COLUMNS];
        sweep = evict ? new float[16 << 20] : null;
        SgemmMicroKernel vector = Simd.sgemmKernel();
        // The kernel's 12-column tile is taken once its warm-up thread has seen it compiled: wait for that here.
        for (int i = 0; i < 2000 && vector.transposedRows() == SgemmMicroKernel.MR; i++) {
            Thread.sleep(5);
        }
        kernel = panels.equals("kernel") ? vector : new EightColumnPanels(vector);
        par = Workers.pool(threads);
    }

    @TearDown
    public void tearDown() {
        Workers.close(par);
    }

    /** With {@code evict}: reads 64 MB before each call, outside the timed call (the calls take 0.3-3 ms). */
    @Setup(Level.Invocation)
    public void evictCaches() {
        if (sweep != null) {
            float sum = 0f;
            for (int i = 0; i < sweep.length; i += 16) {
                sum += sweep[i];
            }
            out[0] = sum;
        }
    }

    @Benchmark
    public float[] multiply() {
        PackedSgemm.multiply(weights, new RowMajorPanels(input, 0, COLUMNS, depth * COLUMNS), COLUMNS, out, 0,
                Activation.RELU, par, kernel);
        return out;
    }

    /** The vector kernel with the transposed path's panels held at MR columns (its 8-row tile). */
    private static final class EightColumnPanels implements SgemmMicroKernel {
        private final SgemmMicroKernel inner;

        EightColumnPanels(SgemmMicroKernel inner) {
            this.inner = inner;
        }

        @Override
        public int nr() {
            return inner.nr();
        }

        @Override
        public boolean halfTilePays() {
            return inner.halfTilePays();
        }

        @Override
        public boolean narrowSumsPay() {
            return inner.narrowSumsPay();
        }

        @Override
        public void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                         boolean accumulate, float[] bias, int biasOff, boolean relu, float slope) {
            inner.tile(kc, a, aOff, b, bOff, c, cOff, ldc, accumulate, bias, biasOff, relu, slope);
        }

        @Override
        public void halfTile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                             boolean accumulate, float[] bias, int biasOff, boolean relu, float slope) {
            inner.halfTile(kc, a, aOff, b, bOff, c, cOff, ldc, accumulate, bias, biasOff, relu, slope);
        }
    }
}
