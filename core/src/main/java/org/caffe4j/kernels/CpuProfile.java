package org.caffe4j.kernels;

/**
 * The machine facts that kernel choices depend on: the JVM's feature release (its JIT compiles the Vector API
 * differently) and the vector width the Vector API uses on this CPU (0 when the kernels run scalar). Every cost
 * model and kernel switch reads them from a profile, never from the host directly, so each choice can be tested
 * for every named profile on any machine. The host's profile is {@code Simd.profile()}.
 *
 * <p>The facts below were measured on two 2-core EPYC machines (Zen 3 with AVX2, Zen 4 with AVX-512) with JDK 17
 * and JDK 25; BENCHMARKS.md has the figures. Releases between 17 and 25 were not measured and are treated like 17.
 *
 * @param jdkFeature the Java feature release, e.g. 17 or 25
 * @param vectorBits the preferred float vector's width in bits (256 for AVX2, 512 for AVX-512), 0 for scalar code
 */
public record CpuProfile(int jdkFeature, int vectorBits) {
    public static final CpuProfile AVX2_JDK17 = new CpuProfile(17, 256);
    public static final CpuProfile AVX2_JDK25 = new CpuProfile(25, 256);
    public static final CpuProfile AVX512_JDK17 = new CpuProfile(17, 512);
    public static final CpuProfile AVX512_JDK25 = new CpuProfile(25, 512);
    /** Scalar kernels (no Vector API module, or {@code -Dcaffe4j.simd=false}) on JDK 17. */
    public static final CpuProfile SCALAR_JDK17 = new CpuProfile(17, 0);

    /** Width of the scalar SGEMM tile, the AVX-512 one, so that scalar runs pack weights like the widest machine. */
    private static final int SCALAR_TILE_WIDTH = 32;

    public CpuProfile {
        if (jdkFeature < 17 || (vectorBits != 0 && (vectorBits < 128 || Integer.bitCount(vectorBits) != 1))) {
            throw new IllegalArgumentException("no such machine profile: JDK " + jdkFeature + ", " + vectorBits
                    + "-bit vectors");
        }
    }

    /** This JVM's feature release with vectors of the given width. */
    public static CpuProfile thisJvm(int vectorBits) {
        return new CpuProfile(Runtime.version().feature(), vectorBits);
    }

    /** Whether the kernels use the Vector API. */
    public boolean vectors() {
        return vectorBits > 0;
    }

    /** Floats per vector (0 for scalar). */
    public int floatLanes() {
        return vectorBits / Float.SIZE;
    }

    /** The SGEMM micro-tile's width in floats: two vectors, or the scalar twin's 32. */
    public int sgemmTileWidth() {
        return vectors() ? 2 * floatLanes() : SCALAR_TILE_WIDTH;
    }

    /**
     * Whether the CPU has gather/scatter instructions the JIT uses (AVX-512). Without them the Vector API's scatter
     * falls back to Java code that allocates on every call.
     */
    public boolean scatter() {
        return vectorBits >= 512;
    }

    /**
     * Whether 32 vector registers hold an 8-row SGEMM tile's 16 accumulators (AVX-512); with 16 registers the tile
     * runs as two passes of 4 rows over the same B tile.
     */
    public boolean eightRowTiles() {
        return vectorBits >= 512;
    }

    /** Whether the 4-row SGEMM passes add bias and ReLU as they store: only JDK 25's C2 compiles that without spills. */
    public boolean fusedFourRowPasses() {
        return jdkFeature >= 25;
    }

    /**
     * Whether a half-width SGEMM tile beats a padded full one for column remainders. JDK 17 on AVX2 broadcasts A
     * values through a shuffle, which makes the half tile 3x slower there.
     */
    public boolean halfTilePays() {
        return eightRowTiles() || jdkFeature >= 25;
    }

    /** Whether stride-2 max pooling reads through a two-vector permute (compiled to permutes from JDK 25 on). */
    public boolean permuteStrideTwo() {
        return jdkFeature >= 25;
    }

    /**
     * Whether F(6,3)'s 8 x 8 transforms pay off: not on JDK 17 with AVX-512, where ResNet-50's 56x56 layers ran
     * slower with them (res2a_branch2b 1.18-1.64 ms against 1.07-1.13 with F(4,3); session 17). F(4,5), with
     * transforms of the same size, pays off there (NIN's conv2: 1.85 ms against im2col's 2.6-3.7) since its
     * input tiles are staged (not gathered) and no second vector species boxes its operations.
     */
    public boolean f63Fast() {
        return !vectors() || jdkFeature >= 25 || !scatter();
    }

    /** Whether F(m x m, r x r) runs at full speed (the sizes the runtime picks have written-out transforms). */
    public boolean winogradTileFast(int m, int r) {
        return winogradTileFast(m, r, false);
    }

    /**
     * As {@link #winogradTileFast(int, int)}, for the stride-1 rewrite of a strided layer when {@code spaceToDepth}:
     * there F(6,3) is a candidate on every machine. Where {@link #f63Fast()} is false it still beats the other
     * rewrites on a batch, and im2col of the strided original by far (NIN's conv1 on JDK 17 with AVX-512,
     * bench/HISTORY.md session 39), while the cost model, fitted on stride-1 layers, rates the rewrite's F(4,3) and
     * F(3,3) below im2col.
     */
    public boolean winogradTileFast(int m, int r, boolean spaceToDepth) {
        return m + r - 1 <= 6 || r != 3 || f63Fast() || spaceToDepth;
    }

    /**
     * About how long one lane group's gather or scatter of one Winograd tile position takes, in ns, as the
     * convolution cost model charges it: 25 with AVX-512, where the transforms of small-channel layers cost more than
     * the estimate with 10. SqueezeNet 1.1's 3x3 layers of 16-48 input channels ran slower as Winograd than as im2col
     * on JDK 17 (fire2 expand3x3, batch 10: 4.1-4.8 ms with F(4,3) against 3.3-3.6; Zen 4, session 17) and on JDK
     * 25 (Zen 5, session 26: in the net at batch 1, fire2-5 0.21-0.25 ms against 0.33-0.43); with 25 the whole net
     * took 0.90 of the time, GoogLeNet 0.98 and AlexNet 0.97 (one JVM alternating both models, JDK 25), and
     * ResNet-50, VGG16 and NIN keep every choice. AVX2 keeps the 10 it was fitted with.
     */
    public double winogradVectorMoveNanos() {
        return scatter() ? 25 : 10;
    }

    @Override
    public String toString() {
        return (vectors() ? (vectorBits == 256 ? "AVX2" : vectorBits == 512 ? "AVX-512" : vectorBits + "-bit vectors")
                : "scalar") + ", JDK " + jdkFeature;
    }
}
