package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.CpuProfile;
import org.caffe4j.kernels.act.ElementwiseKernels;
import org.caffe4j.kernels.conv.DepthwiseRowKernel;
import org.caffe4j.kernels.conv.WinogradScalarTransforms;
import org.caffe4j.kernels.conv.WinogradTransformKernel;
import org.caffe4j.kernels.gemm.GemvMicroKernel;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;
import org.caffe4j.kernels.norm.LrnWindowKernel;
import org.caffe4j.kernels.pool.AveragePoolKernel;
import org.caffe4j.kernels.pool.MaxPoolKernel;
import org.caffe4j.kernels.pool.Pool2dDirect;

import java.util.function.Supplier;

/**
 * The one switch between Vector API kernels and their scalar twins.
 *
 * <p>Vector code is used when the system property {@code caffe4j.simd} is not {@code false} (default true) and
 * the {@code jdk.incubator.vector} module is present (run with {@code --add-modules=jdk.incubator.vector}). All
 * Vector API references live in package-private classes that are loaded only from here, inside a
 * {@code catch (LinkageError)}, so a JVM without the module falls back to scalar code instead of failing.
 */
public final class Simd {
    /** Full-tile width the scalar kernel uses when no vector kernel is loaded (the AVX-512 tile width). */
    static final int SCALAR_TILE_WIDTH = 32;

    private static final SgemmMicroKernel VECTOR_SGEMM = loadVectorSgemm();
    private static final SgemmMicroKernel SCALAR_SGEMM = VECTOR_SGEMM != null
            ? new SgemmScalarKernel(VECTOR_SGEMM.nr(), VECTOR_SGEMM.halfTilePays())
            : new SgemmScalarKernel(SCALAR_TILE_WIDTH);

    private static final GemvMicroKernel SCALAR_GEMV = new GemvScalarKernel();
    private static final GemvMicroKernel VECTOR_GEMV = VECTOR_SGEMM == null ? null : loadVectorGemv();

    private static final LrnWindowKernel SCALAR_LRN = new LrnScalarKernel();
    private static final LrnWindowKernel VECTOR_LRN = loadVector(() -> new LrnVectorKernel());

    private static final ElementwiseKernels VECTOR_ELEMENTWISE = loadVector(() -> new ElementwiseVector());

    private static final MaxPoolKernel VECTOR_MAX_POOL = loadVector(() -> new MaxPoolVectorKernel());
    private static final MaxPoolKernel SCALAR_MAX_POOL = Pool2dDirect::max;
    private static final WinogradTransformKernel SCALAR_WINOGRAD =
            new WinogradScalarTransforms(SCALAR_SGEMM.nr() / 2);
    private static final WinogradTransformKernel VECTOR_WINOGRAD = loadVector(() -> {
        WinogradTransformKernel kernel = new WinogradVectorTransforms();
        return kernel.lanes() * 2 == VECTOR_SGEMM.nr() ? kernel : null;
    });

    private static final AveragePoolKernel VECTOR_AVERAGE_POOL = loadVector(() -> new AveragePoolVectorKernel());
    private static final AveragePoolKernel SCALAR_AVERAGE_POOL = Pool2dDirect::average;

    private static final DepthwiseRowKernel SCALAR_DEPTHWISE = new DepthwiseScalarKernel();
    private static final DepthwiseRowKernel VECTOR_DEPTHWISE = loadVector(() -> new DepthwiseVectorKernel());

    /** This machine as the cost models see it: the JVM's release and the vector width the kernels use. */
    private static final CpuProfile PROFILE =
            CpuProfile.thisJvm(VECTOR_SGEMM == null ? 0 : VECTOR_SGEMM.nr() / 2 * Float.SIZE);

    /** The kernels {@link #kernels()} returns (vector where enabled). */
    private static final KernelSet KERNELS = new KernelSet(sgemmKernel(), gemvKernel(), winogradTransforms(),
            maxPoolKernel(), averagePoolKernel(), depthwiseKernel(), lrnKernel(), elementwise(), false);

    /** The scalar twins of {@link #KERNELS}, with its tile shapes (the same lanes for Winograd's transforms). */
    private static final KernelSet TWINS = new KernelSet(scalarSgemmKernel(), scalarGemvKernel(),
            scalarWinogradTransforms(), SCALAR_MAX_POOL, SCALAR_AVERAGE_POOL, scalarDepthwiseKernel(),
            scalarLrnKernel(), ElementwiseKernels.SCALAR, true);

    private Simd() {
    }

    /**
     * Whether this JVM has the optimizing compiler that turns the Vector API into vector instructions: not under
     * {@code -Xint}, nor with C1 alone ({@code -XX:TieredStopAtLevel=1}, which the launcher uses for a one-image
     * {@code run}), where every vector operation would stay a boxed Java call (tens of times slower than the twins).
     */
    static boolean optimizingJit(String vmInfo) {
        return !vmInfo.contains("interpreted mode") && !vmInfo.contains("emulated-client");
    }

    private static final boolean OPTIMIZING_JIT = optimizingJit(System.getProperty("java.vm.info", ""));

    /**
     * The kernels a model runs by default: the vector ones if {@link #enabled()} and the JIT can compile them
     * ({@link #optimizingJit}), else the scalar twins (which {@link #KERNELS} already are when vectors are off).
     */
    public static KernelSet kernels() {
        return OPTIMIZING_JIT || !enabled() ? KERNELS : TWINS;
    }

    /**
     * The scalar twins of {@link #kernels()}: the same tile shapes and the same float operations per output, so the
     * same results bit for bit. For a model that runs a pass or two: until the JIT has compiled the vector kernels
     * (seconds of compilation on two cores) every vector operation is boxed, while the twins' plain loops are
     * compiled within milliseconds (NIN's first pass: 0.4-0.5 s against 1.1 s).
     */
    public static KernelSet twins() {
        return TWINS;
    }

    /**
     * Before a model that keeps running first calls the vector kernels: completes the Vector API's branch profiles so
     * that C2 compiles the kernels without boxing ({@link VectorProfilePrimer}; below JDK 25, once per JVM, a few
     * tens of milliseconds). Nothing where the vector kernels are off or the JIT cannot compile them.
     */
    public static void primeVectorProfiles() {
        if (VECTOR_SGEMM != null && OPTIMIZING_JIT) {
            VectorProfilePrimer.primeOnce();
        }
    }

    /** The host's machine profile (scalar when the vector kernels are off or cannot be linked). */
    public static CpuProfile profile() {
        return PROFILE;
    }

    /** ReLU, Eltwise, PReLU and per-channel affine loops: vector if {@link #enabled()}, else the scalar twin. */
    public static ElementwiseKernels elementwise() {
        return VECTOR_ELEMENTWISE != null ? VECTOR_ELEMENTWISE : ElementwiseKernels.SCALAR;
    }

    /** The LRN window passes: vector if {@link #enabled()}, else the scalar twin. */
    public static LrnWindowKernel lrnKernel() {
        return VECTOR_LRN != null ? VECTOR_LRN : SCALAR_LRN;
    }

    /** The scalar LRN twin, whatever the switch says. */
    public static LrnWindowKernel scalarLrnKernel() {
        return SCALAR_LRN;
    }

    /** Whether kernels use the Vector API (property caffe4j.simd is not false and the module is present). */
    public static boolean enabled() {
        return VECTOR_SGEMM != null;
    }

    /** The SGEMM micro-kernel kernels should use: the vector one if {@link #enabled()}, else the scalar twin. */
    public static SgemmMicroKernel sgemmKernel() {
        return VECTOR_SGEMM != null ? VECTOR_SGEMM : SCALAR_SGEMM;
    }

    /** The scalar twin, whatever the switch says (same tile width as {@link #sgemmKernel()}). */
    public static SgemmMicroKernel scalarSgemmKernel() {
        return SCALAR_SGEMM;
    }

    /** The MAX pooling kernel to use: the vector one if {@link #enabled()}, else {@link Pool2dDirect#max}. */
    public static MaxPoolKernel maxPoolKernel() {
        return VECTOR_MAX_POOL != null ? VECTOR_MAX_POOL : SCALAR_MAX_POOL;
    }

    /** The AVE pooling kernel to use: the vector one if {@link #enabled()}, else {@link Pool2dDirect#average}. */
    public static AveragePoolKernel averagePoolKernel() {
        return VECTOR_AVERAGE_POOL != null ? VECTOR_AVERAGE_POOL : SCALAR_AVERAGE_POOL;
    }

    /** The depthwise convolution row kernel: vector if {@link #enabled()}, else the scalar twin. */
    public static DepthwiseRowKernel depthwiseKernel() {
        return VECTOR_DEPTHWISE != null ? VECTOR_DEPTHWISE : SCALAR_DEPTHWISE;
    }

    /** The scalar depthwise twin, whatever the switch says. */
    public static DepthwiseRowKernel scalarDepthwiseKernel() {
        return SCALAR_DEPTHWISE;
    }

    /**
     * The Winograd tile transforms: the vector ones if {@link #enabled()}, else the scalar twin; either handles
     * half an SGEMM tile's columns per call.
     */
    public static WinogradTransformKernel winogradTransforms() {
        return VECTOR_WINOGRAD != null ? VECTOR_WINOGRAD : SCALAR_WINOGRAD;
    }

    /** The scalar Winograd transforms with the lane count of {@link #winogradTransforms()}. */
    public static WinogradTransformKernel scalarWinogradTransforms() {
        return new WinogradScalarTransforms(winogradTransforms().lanes());
    }

    /** The GEMV kernel for few-row products: vector if {@link #enabled()} and 8-float vectors exist, else scalar. */
    public static GemvMicroKernel gemvKernel() {
        return VECTOR_GEMV != null ? VECTOR_GEMV : SCALAR_GEMV;
    }

    /** The scalar GEMV twin, whatever the switch says. */
    public static GemvMicroKernel scalarGemvKernel() {
        return SCALAR_GEMV;
    }

    private static GemvMicroKernel loadVectorGemv() {
        try {
            return new GemvVectorKernel();
        } catch (LinkageError | IllegalStateException e) {
            return null;
        }
    }

    /**
     * The vector kernel {@code constructor} makes, or null when SIMD is off or its classes cannot be linked; the
     * constructor runs inside the try, so a missing module surfaces here as a LinkageError, not when Simd loads.
     */
    private static <T> T loadVector(Supplier<T> constructor) {
        if (VECTOR_SGEMM == null) {
            return null;
        }
        try {
            return constructor.get();
        } catch (LinkageError e) {
            return null;
        }
    }

    private static SgemmMicroKernel loadVectorSgemm() {
        if (!Boolean.parseBoolean(System.getProperty("caffe4j.simd", "true"))) {
            return null;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            // A library user's JVM without the flag would otherwise be several times slower without a word.
            System.getLogger("org.caffe4j").log(System.Logger.Level.WARNING, "caffe4j: the JVM runs without "
                    + "jdk.incubator.vector, so caffe4j uses its scalar kernels (3-7x slower); start it with "
                    + "--add-modules=jdk.incubator.vector (or -Dcaffe4j.simd=false to choose scalar kernels silently)");
            return null;
        }
        try {
            SgemmMicroKernel kernel = new SgemmVectorKernel();
            return kernel.nr() >= 8 ? kernel : null; // a 64-bit vector shape would not pay off
        } catch (LinkageError e) {
            return null;
        }
    }
}
