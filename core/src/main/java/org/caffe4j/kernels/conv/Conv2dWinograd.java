package org.caffe4j.kernels.conv;

import org.caffe4j.kernels.Activation;
import org.caffe4j.kernels.CpuProfile;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.gemm.PackedWeights;
import org.caffe4j.kernels.gemm.SgemmMicroKernel;

/**
 * Stride-1, undilated, ungrouped r x r convolution by Winograd's F(m x m, r x r) ({@link WinogradMatrices}): each
 * m x m output tile costs alpha² multiply-adds per input channel instead of m²r² (F(4,3): 4x fewer, F(2,5):
 * 2.8x fewer), at the price of transforming every input tile (Bᵀ d B) and output tile (Aᵀ M A) and of a transformed
 * filter alpha²/r² times the size of the original.
 *
 * <p>The weights are transformed once (in double) into alpha² matrices U_xi (outC x inC), packed as SGEMM A panels.
 * A forward pass works on chunks of tile columns (tiles of all images numbered one after another), each in two
 * parallel phases: (1) gather every tile of the chunk from a zero-padded copy of its images and transform it into
 * alpha² B operands V_xi (inC x tiles, in the micro-kernel's packed tile layout); (2) per task (block of output
 * channels x block of column tiles), run the SGEMM micro-kernel for every xi into a per-thread buffer M_xi and
 * transform each output tile back, adding the bias and applying the fused ReLU as it is stored. A task's
 * transformed weights (at most {@link #WEIGHT_BLOCK_FLOATS}) stay in L2 across its column tiles. Layers with enough
 * column tiles and at most a few MB of transformed weights run each chunk fused instead: one task per column tile
 * does both phases for that tile, its V in a per-thread buffer ({@link #runsFused}). A chunk of one or two tiles
 * of columns may run its GEMMs transposed ({@link #runsTransposed}).
 *
 * <p>Every output is computed by the same float operations whatever the chunking, task split, thread count or
 * batch size (tile columns are independent lanes everywhere), so results are bit-identical across them. They
 * differ from direct convolution's by the rounding of the transforms (a few float ulps of the largest product
 * sums for F(2,3), more for the larger tiles); the tests bound it.
 */
public final class Conv2dWinograd implements Conv2dKernel {
    /**
     * Most floats of transformed input per chunk (8 MB) when the transformed weights stream from beyond L2: every
     * chunk reads them again, so fewer chunks read fewer bytes. VGG16's conv3_2/conv3_3 (256 -> 256 on 56x56) in one
     * chunk instead of two: 0.90 of the time alone (F(6,3)), 5.9-6.6 ms instead of 6.5-7.4 in the net
     * (bench/HISTORY.md, session 31); at batch 8 128 -> 128 on 28x28 0.99, NIN's conv2 1.01, VGG16's conv4 at batch 4
     * 0.92.
     */
    static final int CHUNK_FLOATS = 1 << 21;
    /**
     * Most floats of transformed input per chunk (2 MB) when the transformed weights fit in L2
     * ({@link #L2_RESIDENT_FLOATS}): each chunk reads them again, which costs little from L2, while a smaller V gets
     * more of its writes and reads served by the cores' own caches (VGG16's conv1_2 before it ran fused: 0.91 of the
     * time alone against 4 MB chunks).
     */
    static final int L2_WEIGHTS_CHUNK_FLOATS = 1 << 19;
    /** Fewest column tiles per chunk for the fused chunks ({@link #runsFused}). */
    static final int FUSED_MIN_COLUMN_TILES = 4;
    /**
     * Most floats of padded input per fused chunk (16 MB), at least one image: its tasks keep their tile's
     * transformed input in a per-thread buffer, so the padded copy is the chunk's only scratch (and there is none where
     * the tasks pad their own tiles, {@link #padsPerTask}).
     */
    static final int FUSED_CHUNK_FLOATS = 1 << 22;
    /** Most floats of transformed weights one task multiplies with (1 MB), so they stay in its core's L2. */
    static final int WEIGHT_BLOCK_FLOATS = 256 * 1024;
    /** Most floats of M (GEMM results before the output transform) one task keeps (1 MB, in L2). */
    static final int M_BLOCK_FLOATS = 256 * 1024;
    /** Split each phase into at least this many tasks when the shape allows, to balance 2–4 threads. */
    static final int TARGET_TASKS = 8;

    private static final int MR = SgemmMicroKernel.MR;
    /**
     * Floats between one xi's transformed input and the next beyond its own size, and between rows of M: one cache
     * line, so that the input transform's alpha² store streams (one per xi) and the micro-kernel's MR rows of M do
     * not fall into the same cache sets. Without it V_xi sat a multiple of 4 KB (often 64 KB) apart whenever inC was
     * a multiple of 32, and F(6,3)'s rows of M 8 KB apart: VGG16's conv1_2 alone took 0.92 of the time with the
     * padded V and 0.86 of that with padded M rows (2 threads, Zen 5; other VGG16 and ResNet-50 layers 0.89-0.98).
     */
    static final int XI_PAD = 16;
    /**
     * In the transposed path a last panel with at most this many valid rows runs row by row
     * ({@link SgemmMicroKernel#rowSums}, about 0.44 of a full tile's speed on AVX2), and a chunk of one full tile
     * (or two, see {@link #runsTransposed}) goes transposed when its columns leave such a panel: 9 or 10 tile
     * columns (6x6 maps at batch 1 with F(2,3)) then cost one panel and a row or two instead of a 16-wide tile
     * (conv4-1024: 0.82–0.86 of the time); with 3 rows (11 columns) the rows cost more than the tile saved
     * (1.15–1.24).
     */
    static final int ROW_SUMS_MAX = 2;
    private static final ThreadLocal<float[]> WORK = ThreadLocal.withInitial(() -> new float[0]);
    /** A fused task's buffers ({@code Chunk.runFused}), kept per thread. */
    private static final ThreadLocal<FusedScratch> FUSED_SCRATCH = ThreadLocal.withInitial(FusedScratch::new);
    /** The output pass's per-task buffers, kept per thread: a pass runs thousands of tasks on small maps. */
    private static final ThreadLocal<OutputScratch> OUTPUT_SCRATCH = ThreadLocal.withInitial(OutputScratch::new);

    private final WinogradMatrices transform;
    private final PackedWeights weights;
    private final float[] bias;
    /** The bias with a value for every lane past the last channel too ({@link WinogradTransformKernel#storeValid}). */
    private final float[] laneBias;
    private final Activation activation;
    private final int outC;
    private final int inC;
    private final int r;
    private final SgemmMicroKernel microKernel;
    private final WinogradTransformKernel tileKernel;
    private final int panelsPerBlock;
    private final int channelBlocks;

    /**
     * @param w           outC x inC x r x r weights (Caffe's OIHW blob)
     * @param bias        outC values or null
     * @param m           output tile size: 2 or 4 for r = 3, 2 for r = 5 ({@link WinogradMatrices#of})
     * @param microKernel the GEMM's register tile, and {@code tileKernel} the tile transforms: the Vector API's or
     *                    their scalar twins (bit-identical)
     */
    public Conv2dWinograd(float[] w, float[] bias, int outC, int inC, int r, int m, Activation activation,
                          SgemmMicroKernel microKernel, WinogradTransformKernel tileKernel) {
        if (outC <= 0 || inC <= 0 || (long) outC * inC * r * r != w.length) {
            throw new IllegalArgumentException("weights have " + w.length + " values; expected " + outC + "x" + inC
                    + "x" + r + "x" + r);
        }
        if (bias != null && bias.length != outC) {
            throw new IllegalArgumentException("bias has " + bias.length + " values; expected " + outC);
        }
        if (tileKernel.lanes() * 2 != microKernel.nr()) {
            throw new IllegalArgumentException("tile transforms of " + tileKernel.lanes()
                    + " lanes do not cover half of a " + microKernel.nr() + "-column SGEMM tile");
        }
        this.transform = WinogradMatrices.of(m, r);
        int xis = transform.alpha() * transform.alpha();
        // U_xi[oc][ic] for all xi, stored as xi groups of outC x inC matrices and packed like grouped weights.
        float[] u = new float[Math.multiplyExact(xis, outC * inC)];
        for (int oc = 0; oc < outC; oc++) {
            for (int ic = 0; ic < inC; ic++) {
                transform.transformFilter(w, (oc * inC + ic) * r * r, u, oc * inC + ic, outC * inC);
            }
        }
        this.weights = PackedWeights.pack(u, 0, xis, outC, inC, null);
        this.bias = bias;
        this.laneBias = bias == null ? null : java.util.Arrays.copyOf(bias, outC + tileKernel.lanes());
        this.activation = activation;
        this.outC = outC;
        this.inC = inC;
        this.r = r;
        this.microKernel = microKernel;
        this.tileKernel = tileKernel;
        int panels = weights.panelsPerGroup();
        int maxPanels = Math.max(1, WEIGHT_BLOCK_FLOATS / (xis * inC * MR));
        // Split over output channels first: each block's transformed weights are then read from memory once per
        // chunk and reused from L2 for all its column tiles (splitting the columns instead re-reads them per task).
        int blocks = Math.max(ceilDiv(panels, maxPanels), Math.min(panels, TARGET_TASKS));
        this.panelsPerBlock = ceilDiv(panels, blocks);
        this.channelBlocks = ceilDiv(panels, panelsPerBlock);
    }

    /**
     * Whether some Winograd kernel computes {@code shape}: ungrouped, stride 1, no dilation, a square r x r kernel
     * with 2 &lt;= r &lt;= 7 (F(2, r) then exists).
     */
    public static boolean supports(ConvShape shape) {
        return shape.group() == 1 && shape.kH() == shape.kW() && shape.kH() >= 2 && shape.kH() <= 7
                && shape.strideH() == 1 && shape.strideW() == 1 && shape.dilationH() == 1 && shape.dilationW() == 1;
    }

    /** Whether {@link #chooseTileSize} may pick Winograd at all (system property caffe4j.winograd, default true). */
    public static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty("caffe4j.winograd", "true"));
    }

    /**
     * The output tile size m for a layer of this shape, or 0 when the im2col GEMM is expected to be faster (or
     * Winograd is switched off). The choice depends on the image shape only, never on the batch size, so that a
     * batch gives bit-identical results to its images run one by one (the algorithms round differently). Latency
     * comes first: the estimate for one image decides, and among choices within 5% of the best there, the one
     * faster per image in a batch of 8. Candidates are the sizes with written-out vector transforms (F(2,3),
     * F(3,3), F(4,3), F(6,3), F(2,5), F(4,5)) that run fast on the machine {@code cpu} describes. The estimate is
     * in nanoseconds of one
     * core: multiply-adds at a rate proportional to the tile width (see {@link #MACS_PER_NANO_PER_TILE_COLUMN}),
     * weights streamed from memory when they cannot stay in L2 (once per call, so a batch shares them), and the
     * transforms' cost per vector gather (input tiles) or scatter (output tiles;
     * {@link CpuProfile#winogradVectorMoveNanos}), which is what makes the larger tiles pay off only on larger
     * maps. What it picks for NIN per machine is in bench/HISTORY.md; {@code Conv2dWinogradTest} names the
     * profiles it checks.
     */
    public static int chooseTileSize(ConvShape s, CpuProfile cpu) {
        return chooseTileSize(s, s, cpu);
    }

    /**
     * As {@link #chooseTileSize(ConvShape, CpuProfile)} for {@code s}, but weighed against im2col on {@code baseline}
     * (the original strided layer when {@code s} is its {@link Conv2dSpaceToDepth} rewrite, which has F(6,3) among its
     * candidates on every machine: {@link CpuProfile#winogradTileFast(int, int, boolean)}).
     */
    public static int chooseTileSize(ConvShape s, ConvShape baseline, CpuProfile cpu) {
        if (!enabled() || !supports(s)) {
            return 0;
        }
        int nr = cpu.sgemmTileWidth();
        int r = s.kH();
        int[] sizes = r == 3 ? new int[] {2, 3, 4, 6} : r == 5 ? new int[] {2, 4} : new int[0];
        // Candidates: im2col (0) and the fast Winograd sizes; latency first: the fastest for one image, unless
        // another is within 5% of it there and faster per image in a batch of 8.
        double[] one = new double[sizes.length + 1];
        double[] eight = new double[sizes.length + 1];
        one[0] = im2colNanos(baseline, 1, nr);
        eight[0] = im2colNanos(baseline, 8, nr);
        double bestOne = one[0];
        for (int i = 0; i < sizes.length; i++) {
            boolean fast = cpu.winogradTileFast(sizes[i], r, baseline != s);
            one[i + 1] = fast ? winogradNanos(s, sizes[i], 1, cpu) : Double.POSITIVE_INFINITY;
            eight[i + 1] = fast ? winogradNanos(s, sizes[i], 8, cpu) : Double.POSITIVE_INFINITY;
            bestOne = Math.min(bestOne, one[i + 1]);
        }
        int choice = -1;
        for (int i = 0; i <= sizes.length; i++) {
            if (one[i] <= 1.05 * bestOne && (choice < 0 || eight[i] < eight[choice])) {
                choice = i;
            }
        }
        return choice == 0 ? 0 : sizes[choice - 1];
    }

    private static double im2colNanos(ConvShape s, int batch, int nr) {
        long pixels = (long) batch * s.outH() * s.outW();
        // The GEMM pads columns to half tiles, or (weight-heavy layers) to micro-panels of 8 (transposed path).
        long columns = s.outC() > pixels ? roundUp(pixels, 8) : roundUp(pixels, nr / 2);
        long weights = (long) s.outC() * s.inCPerGroup() * s.kH() * s.kW();
        return Math.max(macNanos(weights * columns, nr), streamNanos(weights));
    }

    private static double winogradNanos(ConvShape s, int m, int batch, CpuProfile cpu) {
        int nr = cpu.sgemmTileWidth();
        int alpha = m + s.kH() - 1;
        long tiles = (long) batch * ceilDiv(s.outH(), m) * ceilDiv(s.outW(), m);
        long columns = roundUp(tiles, nr / 2);
        long weightFloats = (long) alpha * alpha * s.outC() * s.inC();
        long laneGroups = columns / (nr / 2);
        double move = cpu.winogradVectorMoveNanos();
        return Math.max(macNanos(weightFloats * columns, nr), streamNanos(weightFloats))
                + laneGroups * (s.inC() * alpha * alpha * (move + 1.0)
                + s.outC() * ((double) m * m * move + alpha * alpha * 0.5));
    }

    /**
     * Multiply-adds per nanosecond of one core in the SGEMM micro-kernel, per float of tile width: 75 per ns with
     * AVX-512's 32-wide tiles, 37.5 with AVX2's 16-wide ones (both measured inside NIN layers, 2 threads; the
     * AVX2 figure on a 2-core EPYC whose FMA peak is ~50 per ns).
     */
    private static final double MACS_PER_NANO_PER_TILE_COLUMN = 75.0 / 32;
    /**
     * Bytes per nanosecond and core when weights stream from the shared cache or memory rather than L2. 7 fits the
     * AVX2 machine's Winograd layers that stream (conv4-1024's F(4,3) and F(6,3): 4.2 and 7.5 ms estimated, 4.3
     * and 8.1 measured); the AVX-512 machine fitted 10, which changes none of NIN's choices there.
     */
    private static final double STREAM_BYTES_PER_NANO = 7;
    /** Weights that fit beside the working set in a 2 MB L2 are not streamed. */
    private static final long L2_RESIDENT_FLOATS = 256 * 1024;

    private static double macNanos(long macs, int nr) {
        return macs / (MACS_PER_NANO_PER_TILE_COLUMN * nr);
    }

    private static double streamNanos(long floats) {
        return floats <= L2_RESIDENT_FLOATS ? 0 : floats * 4.0 / STREAM_BYTES_PER_NANO;
    }

    private static long roundUp(long x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /**
     * Whether one image of {@code shape} gives fewer column tiles (of {@code nr} Winograd tiles of m x m outputs)
     * than a fused chunk needs ({@link #FUSED_MIN_COLUMN_TILES}): its chunk then runs as two phases of few, uneven
     * tasks, and a batch, whose images' tiles share the chunks, runs much faster per image (NIN's conv1 after its
     * space-to-depth rewrite: 81 tiles, 3 column tiles of 32; bench/HISTORY.md, session 38).
     */
    public static boolean fewColumnTilesPerImage(ConvShape shape, int m, int nr) {
        long tiles = (long) ceilDiv(shape.outH(), m) * ceilDiv(shape.outW(), m);
        return (tiles + nr - 1) / nr < FUSED_MIN_COLUMN_TILES;
    }

    /** The output tile size m of F(m x m, r x r). */
    public int tileSize() {
        return transform.m();
    }

    /** The transformed weights only: the array given to the constructor is not kept. */
    @Override
    public boolean copiesWeights() {
        return true;
    }

    /** The transformed weights: alpha² matrices of outC x inC, packed (alpha²/r² times the original's bytes). */
    @Override
    public long weightBytes() {
        return weights.bytes();
    }

    @Override
    public void forward(ConvShape shape, float[] in, int inOff, float[] out, int outOff, Parallel par) {
        forward(shape, 1, in, inOff, out, outOff, par);
    }

    @Override
    public void forward(ConvShape shape, int batch, float[] in, int inOff, float[] out, int outOff, Parallel par) {
        if (!supports(shape) || shape.kH() != r || shape.inC() != inC || shape.outC() != outC) {
            throw new IllegalArgumentException("shape " + shape + " does not match the Winograd kernel: " + outC
                    + "x" + inC + "x" + r + "x" + r + ", stride 1, no dilation, one group");
        }
        if (shape.outH() <= 0 || shape.outW() <= 0) {
            throw new IllegalArgumentException("kernel larger than the padded input: " + shape);
        }
        if (batch <= 0 || inOff < 0 || outOff < 0 || inOff + (long) batch * shape.inSize() > in.length
                || outOff + (long) batch * shape.outSize() > out.length) {
            throw new IllegalArgumentException("arrays too short for " + batch + " images of " + shape);
        }
        Geometry geo = new Geometry(shape, transform.m(), microKernel.nr());
        long total = (long) batch * geo.tiles;
        int xis = transform.alpha() * transform.alpha();
        int nr = microKernel.nr();
        int fusedColumns = fusedChunkColumns(total, geo.tiles, (long) inC * geo.paddedPlane(), nr);
        boolean fused = runsFused(ceilDiv((int) Math.min(total, fusedColumns), nr), xis, inC, outC, nr);
        int maxColumns = fused ? fusedColumns : chunkColumns(total, xis, inC, outC, nr);
        ConvScratch scratch = ConvScratch.forCurrentThread();
        for (long first = 0; first < total; first += maxColumns) {
            int columns = (int) Math.min(maxColumns, total - first);
            Chunk chunk = new Chunk(geo, (int) first, columns, in, inOff, out, outOff, scratch, fused);
            if (fused) {
                chunk.runFused(par);
            } else {
                chunk.run(par);
            }
        }
    }

    /**
     * Whether a layer runs its chunks fused ({@code Chunk.runFused}) when each has {@code colTiles} column tiles: a
     * task transforms one column tile's input into its thread's buffer and multiplies it with all the transformed
     * weights, so the chunk needs no barrier between the two and V never leaves the core that wrote it. Only where
     * that V fits in L2, with at least {@link #FUSED_MIN_COLUMN_TILES} tasks (2 tasks: 0.98), and where the weights
     * every task reads are at most 4 MB, more than 2 MB only with {@link #TARGET_TASKS} tasks or more. Fused
     * against two phases, alone (2 threads, AVX-512): VGG16's conv1_2, conv2_1, conv2_2 0.85, 0.74, 0.74 (AVX2:
     * conv2_2 0.83); ResNet-50's 64 -> 64 on 56x56 0.74 (batch 8: 0.87); 128 -> 128 on 56x56, 7 tasks, 2.4 MB:
     * 0.99; 4.7 MB, 128 -> 256 on 56x56: 7 tasks 1.07, 13 tasks 0.83 (AVX2: 0.97); 9.4 MB, 256 -> 256: 1.03-1.05
     * (AVX2, V in L2: 1.09). bench/HISTORY.md, session 31.
     */
    static boolean runsFused(int colTiles, int xis, int inC, int outC, int nr) {
        long weights = (long) xis * inC * outC;
        return (long) xis * inC * nr <= L2_RESIDENT_FLOATS && colTiles >= FUSED_MIN_COLUMN_TILES
                && weights <= 4 * L2_RESIDENT_FLOATS && (weights <= 2 * L2_RESIDENT_FLOATS || colTiles >= TARGET_TASKS);
    }

    /**
     * Tile columns per fused chunk: as few chunks of whole tiles as keep the padded input within
     * {@link #FUSED_CHUNK_FLOATS} when each holds whole images ({@code imageFloats} padded floats each), and at least
     * one image per chunk. A chunk that starts inside an image pads only the rows its tiles read.
     */
    static int fusedChunkColumns(long total, int tilesPerImage, long imageFloats, int nr) {
        long fit = Math.max(1, FUSED_CHUNK_FLOATS / imageFloats) * tilesPerImage;
        return equalChunkWidth(total, fit, nr);
    }

    /** The width of as few chunks of equal width, rounded up to {@code multiple}, as hold {@code fit} columns each. */
    private static int equalChunkWidth(long total, long fit, int multiple) {
        long chunks = (total + fit - 1) / fit;
        return (int) Math.min(Integer.MAX_VALUE, roundUp((total + chunks - 1) / chunks, multiple));
    }

    /**
     * Tile columns per chunk for {@code total} columns: as few chunks as keep the transformed input within
     * {@link #CHUNK_FLOATS} ({@link #L2_WEIGHTS_CHUNK_FLOATS} when the xis x inC x outC transformed weights fit in
     * L2), of equal width rounded up to half tiles (at least one tile). Cutting whole tiles off the front instead
     * left VGG16's 49 tiles of 512 channels (F(4,3) on 28x28) a second chunk of 17 columns that cost as much as the
     * first 32.
     */
    static int chunkColumns(long total, int xis, int inC, int outC, int nr) {
        boolean weightsInL2 = (long) xis * inC * outC <= L2_RESIDENT_FLOATS;
        long fit = Math.max(1, (weightsInL2 ? L2_WEIGHTS_CHUNK_FLOATS : CHUNK_FLOATS) / ((long) xis * inC));
        return Math.max(nr, equalChunkWidth(total, fit, nr / 2));
    }

    /**
     * Whether a chunk of {@code columns} tile columns ({@code colTiles} tiles of nr, the last a half tile or not)
     * runs its GEMMs transposed ({@code Chunk.multiplyTransposed}): output channels across the vector lanes, the
     * columns in micro-panels of MR, so that the padding of the last column tile is not computed. Only where that
     * padding is large: the columns leave a half tile (which leaves the micro-kernel bound by its broadcasts on
     * AVX-512) or a last panel of at most {@link #ROW_SUMS_MAX} rows, and they fill one tile, or two when there are
     * at least {@link #TARGET_TASKS} tiles of output channels: the transposed path's tasks are channel tiles, and
     * with fewer of them it lost to the padded second tile (VGG16's 49-column 28x28 layers gain, 128-channel ones
     * lose; bench/HISTORY.md, session 30).
     */
    static boolean runsTransposed(int columns, int colTiles, boolean lastTileHalf, int outC, int nr) {
        boolean fewTiles = colTiles == 1 || (colTiles == 2 && ceilDiv(outC, nr) >= TARGET_TASKS);
        return fewTiles && outC >= nr && (lastTileHalf || (columns % MR > 0 && columns % MR <= ROW_SUMS_MAX));
    }

    /**
     * Whether fused chunks pad the input per task ({@code Chunk.padTileRows}: each task copies just the rows and
     * columns its column tile reads into its thread's buffer, where its input transforms then find them, instead of
     * all tasks reading one padded copy of the chunk from the shared cache). With 32-column tiles (AVX-512), alone:
     * VGG16's conv1_2 0.96 (JDK 17 0.97), conv2_2 0.96, ResNet-50's 64 -> 64 on 56x56 0.83 (batch 8 0.78); with
     * 16-column tiles (AVX2) conv2_2 took 1.08, its rows copied alpha/m times over for half the columns per task
     * (bench/HISTORY.md, session 31).
     */
    static boolean padsPerTask(int nr) {
        return nr >= 32;
    }

    /** Tile grid and padded-image geometry of one shape. */
    private record Geometry(ConvShape shape, int m, int nr, int tilesW, int tiles, int paddedH, int paddedW) {
        Geometry(ConvShape shape, int m, int nr) {
            this(shape, m, nr, ceilDiv(shape.outW(), m), ceilDiv(shape.outH(), m) * ceilDiv(shape.outW(), m),
                    ceilDiv(shape.outH(), m) * m + shape.kH() - 1, ceilDiv(shape.outW(), m) * m + shape.kW() - 1);
        }

        int paddedPlane() {
            return paddedH * paddedW;
        }
    }

    /** One chunk of tile columns [first, first + columns) and its two phases. */
    private final class Chunk {
        final Geometry geo;
        final int first;
        final int columns;
        final float[] in;
        final int inOff;
        final float[] out;
        final int outOff;
        final int firstImage;
        final int images;
        final int colTiles;
        final boolean lastTileHalf;
        final float[] padded;
        final float[] transformed;
        /** Per tile column: offset of its input tile in {@link #padded} (null where the tasks pad their own tiles). */
        final int[] inputBase;
        /** Per tile column: offset of its output tile's first value relative to outOff (channel 0). */
        final int[] outputBase;
        /** Per tile column: valid output rows * 16 + valid output columns (0 past the chunk's end). */
        final int[] valid;
        /** Per group of {@code lanes} tile columns: whether all are whole m x m tiles inside the output. */
        final boolean[] complete;
        /** Per image of the chunk: the first padded row its tiles read, and one past the last (null with no padded). */
        final int[] bandStart;
        final int[] bandEnd;
        final int xiStride;
        /**
         * Whether the chunk's GEMMs run transposed, with output channels across the vector lanes
         * ({@link #multiplyTransposed}); see {@link #runsTransposed}.
         */
        final boolean transposed;
        /** Where the transposed path's tile panels start in {@link #transformed}. */
        final int panelBase;

        Chunk(Geometry geo, int first, int columns, float[] in, int inOff, float[] out, int outOff,
              ConvScratch scratch, boolean fused) {
            this.geo = geo;
            this.first = first;
            this.columns = columns;
            this.in = in;
            this.inOff = inOff;
            this.out = out;
            this.outOff = outOff;
            int nr = geo.nr;
            this.firstImage = first / geo.tiles;
            this.images = (first + columns - 1) / geo.tiles - firstImage + 1;
            this.lastTileHalf = microKernel.endsInHalfTile(columns);
            this.colTiles = ceilDiv(columns, nr);
            // Fused chunks of 32-column tiles pad per task instead (padsPerTask).
            this.padded = fused && padsPerTask(nr) ? null
                    : scratch.padded(Math.multiplyExact(images, inC * geo.paddedPlane()));
            this.xiStride = colTiles * inC * nr + XI_PAD;
            int xis = transform.alpha() * transform.alpha();
            this.transposed = runsTransposed(columns, colTiles, lastTileHalf, outC, nr);
            this.panelBase = xis * xiStride;
            // Fused chunks keep each tile's V in a per-thread buffer instead.
            this.transformed = fused ? null : scratch.transformed(Math.multiplyExact(xis,
                    xiStride + (transposed ? colTiles * inC * nr : 0)));
            int slots = colTiles * nr;
            // Where the fused tasks pad their own tiles (padTileRows) nothing reads a shared padded copy.
            boolean sharedPadding = padded != null;
            this.inputBase = sharedPadding ? new int[slots] : null;
            this.outputBase = new int[slots];
            this.valid = new int[slots];
            ConvShape s = geo.shape;
            int m = geo.m;
            for (int j = 0; j < slots; j++) {
                if (j >= columns) {
                    // Read (and discarded) like a real tile, so every lane stays in bounds: the chunk's first tile,
                    // whose rows this chunk pads.
                    if (sharedPadding) {
                        inputBase[j] = inputBase[0];
                    }
                    valid[j] = 0;
                    continue;
                }
                int c = first + j;
                int image = c / geo.tiles;
                int t = c - image * geo.tiles;
                int ty = t / geo.tilesW;
                int tx = t - ty * geo.tilesW;
                if (sharedPadding) {
                    inputBase[j] = (image - firstImage) * inC * geo.paddedPlane() + ty * m * geo.paddedW + tx * m;
                }
                outputBase[j] = image * s.outSize() + ty * m * s.outW() + tx * m;
                valid[j] = Math.min(m, s.outH() - ty * m) * 16 + Math.min(m, s.outW() - tx * m);
            }
            this.bandStart = sharedPadding ? new int[images] : null;
            this.bandEnd = sharedPadding ? new int[images] : null;
            for (int i = 0; sharedPadding && i < images; i++) {
                int image = firstImage + i;
                int firstTile = Math.max(first, image * geo.tiles) - image * geo.tiles;
                int lastTile = Math.min(first + columns, (image + 1) * geo.tiles) - 1 - image * geo.tiles;
                bandStart[i] = firstTile / geo.tilesW * m;
                bandEnd[i] = (lastTile / geo.tilesW + 1) * m + s.kH() - 1;
            }
            int lanes = tileKernel.lanes();
            this.complete = new boolean[slots / lanes];
            for (int g = 0; g < complete.length; g++) {
                boolean all = true;
                for (int l = 0; l < lanes; l++) {
                    all &= valid[g * lanes + l] == m * 16 + m;
                }
                complete[g] = all;
            }
        }

        void run(Parallel par) {
            // Each task pads its own channels of every image and then transforms them for all column tiles, so
            // the padded planes are still in its cache and no barrier separates the two steps.
            int channelsPerBlock = ceilDiv(inC, Math.min(inC, 2 * TARGET_TASKS));
            par.forEach(ceilDiv(inC, channelsPerBlock), task -> padAndTransform(task * channelsPerBlock,
                    channelsPerBlock));
            if (transposed) {
                int ocTiles = ceilDiv(outC, nr());
                // Row sums take four channel tiles at a time, where that still leaves TARGET_TASKS tasks.
                int perTask = Math.max(ceilDiv(ocTiles, Math.min(ocTiles, 2 * TARGET_TASKS)),
                        Math.min(4, ocTiles / TARGET_TASKS));
                par.forEach(ceilDiv(ocTiles, perTask), task -> multiplyTransposed(task * perTask, perTask));
                return;
            }
            int tileBlocks = channelBlocks >= TARGET_TASKS ? 1
                    : Math.min(colTiles, ceilDiv(TARGET_TASKS, channelBlocks));
            // A task keeps M for all its column tiles (see multiplyAndStore): at most M_BLOCK_FLOATS of it.
            int xis = transform.alpha() * transform.alpha();
            int maxTiles = Math.max(1, M_BLOCK_FLOATS / (panelsPerBlock * MR * xis * nr()));
            tileBlocks = Math.max(tileBlocks, ceilDiv(colTiles, maxTiles));
            int tilesPerBlock = ceilDiv(colTiles, tileBlocks);
            int tileBlockCount = ceilDiv(colTiles, tilesPerBlock);
            par.forEach(channelBlocks * tileBlockCount, task -> multiplyAndStore(task / tileBlockCount,
                    (task % tileBlockCount) * tilesPerBlock, tilesPerBlock));
        }

        /**
         * The chunk fused ({@link #runsFused}): one task per column tile pads the input its tiles read
         * ({@link #padTileRows}; with 16-column tiles every channel is padded first instead, {@link #padsPerTask}),
         * transforms it into its thread's buffer and runs all of the tile's GEMMs and output transforms; the same
         * operations per output as {@link #run}, so the same bits.
         */
        void runFused(Parallel par) {
            int alpha = transform.alpha();
            int xis = alpha * alpha;
            int tileXiStride = inC * nr() + XI_PAD;
            boolean ownPadding = padsPerTask(nr());
            if (!ownPadding) {
                int channelsPerBlock = ceilDiv(inC, Math.min(inC, 2 * TARGET_TASKS));
                par.forEach(ceilDiv(inC, channelsPerBlock), task -> padChannels(task * channelsPerBlock,
                        Math.min(inC, (task + 1) * channelsPerBlock)));
            }
            par.forEach(colTiles, ct -> {
                FusedScratch fs = FUSED_SCRATCH.get();
                fs.v = ConvScratch.atLeast(fs.v, xis * tileXiStride);
                float[] v = fs.v;
                float[] work = work(tileKernel.scratchFloats(transform));
                if (ownPadding) {
                    int width = tileWidth(ct);
                    int rowStride = padTileRows(ct, width, fs);
                    int lanes = tileKernel.lanes();
                    for (int g = 0; g < width / lanes; g++) {
                        tileKernel.input(transform, fs.padded, 0, alpha * rowStride, rowStride, fs.base, g * lanes,
                                inC, v, g * lanes, tileXiStride, width, work);
                    }
                } else {
                    transformInput(ct, 0, inC, work, v, 0, tileXiStride);
                }
                for (int block = 0; block < channelBlocks; block++) {
                    multiplyAndStore(block, ct, 1, v, 0, tileXiStride);
                }
            });
        }

        /**
         * The zero-padded input column tile ct's tiles read, into the thread's {@link FusedScratch}: its tiles cut into
         * runs along tile rows, each run's alpha padded rows side by side (run after run) in rows of the returned
         * stride, channel after channel; {@code fs.base} gets each lane's tile origin (lanes past the chunk's last
         * column read the first lane's tile).
         */
        private int padTileRows(int ct, int width, FusedScratch fs) {
            ConvShape s = geo.shape;
            int m = geo.m;
            int alpha = transform.alpha();
            fs.base = ConvScratch.atLeast(fs.base, width);
            fs.runs = ConvScratch.atLeast(fs.runs, 4 * width);
            int[] base = fs.base;
            int[] runs = fs.runs;
            int count = 0;
            int rowStride = 0;
            int real = Math.min(width, columns - ct * geo.nr);
            for (int j = 0; j < real; j++) {
                int c = first + ct * geo.nr + j;
                int image = c / geo.tiles;
                int t = c - image * geo.tiles;
                int ty = t / geo.tilesW;
                int tx = t - ty * geo.tilesW;
                if (count == 0 || runs[4 * (count - 1)] != image || runs[4 * (count - 1) + 1] != ty) {
                    runs[4 * count] = image;
                    runs[4 * count + 1] = ty;
                    runs[4 * count + 2] = tx;
                    runs[4 * count + 3] = rowStride;
                    count++;
                    rowStride += alpha - m;
                }
                rowStride += m;
                int run = count - 1;
                base[j] = runs[4 * run + 3] + (tx - runs[4 * run + 2]) * m;
            }
            for (int j = real; j < width; j++) {
                base[j] = base[0];
            }
            fs.padded = ConvScratch.atLeast(fs.padded, inC * alpha * rowStride);
            float[] buf = fs.padded;
            int right = s.padW() + s.inW();
            for (int run = 0; run < count; run++) {
                int image = runs[4 * run];
                int py0 = runs[4 * run + 1] * m;
                int px0 = runs[4 * run + 2] * m;
                int to0 = runs[4 * run + 3];
                int end = run + 1 < count ? runs[4 * (run + 1) + 3] : rowStride;
                int runWidth = end - to0;
                // Input columns [x0, x1) of this run land at to + (x - px0) for x = ix + padW.
                int x0 = Math.max(px0, s.padW());
                int x1 = Math.min(px0 + runWidth, right);
                for (int c = 0; c < inC; c++) {
                    int src = inOff + image * s.inSize() + c * s.inH() * s.inW();
                    for (int y = 0; y < alpha; y++) {
                        int to = (c * alpha + y) * rowStride + to0;
                        int iy = py0 + y - s.padH();
                        if (iy < 0 || iy >= s.inH() || x1 <= x0) {
                            java.util.Arrays.fill(buf, to, to + runWidth, 0f);
                            continue;
                        }
                        java.util.Arrays.fill(buf, to, to + (x0 - px0), 0f);
                        System.arraycopy(in, src + iy * s.inW() + x0 - s.padW(), buf, to + (x0 - px0), x1 - x0);
                        java.util.Arrays.fill(buf, to + (x1 - px0), to + runWidth, 0f);
                    }
                }
            }
            return rowStride;
        }

        /** The padded copies of channels [c0, c1) of every image of the chunk ({@link #padPlane}). */
        private void padChannels(int c0, int c1) {
            for (int image = 0; image < images; image++) {
                for (int c = c0; c < c1; c++) {
                    padPlane(image * inC + c);
                }
            }
        }

        private void padAndTransform(int c0, int count) {
            int c1 = Math.min(inC, c0 + count);
            padChannels(c0, c1);
            float[] work = work(tileKernel.scratchFloats(transform));
            for (int ct = 0; ct < colTiles; ct++) {
                transformInput(ct, c0, c1, work, transformed, ct * inC * nr(), xiStride);
            }
            if (transposed) {
                // The tile's columns as panels of MR, the layout the micro-kernel's A operand has.
                int xis = transform.alpha() * transform.alpha();
                int panels = transposedPanels();
                // Eight floats at a time in a plain loop, panel by panel: a System.arraycopy call per eight floats
                // took 10% of the samples of VGG16's conv5 layers (F(3,3) on 14x14), this loop 6.6%.
                for (int xi = 0; xi < xis; xi++) {
                    for (int p = 0; p < panels; p++) {
                        // Panel p holds tile columns p*MR.. of column tile ct (every tile before the last is whole).
                        int ct = p * MR / nr();
                        int width = tileWidth(ct);
                        int from = xi * xiStride + ct * inC * nr() + c0 * width + (p * MR - ct * nr());
                        int to = panelBase + ((xi * panels + p) * inC + c0) * MR;
                        for (int c = c0; c < c1; c++, from += width, to += MR) {
                            for (int k = 0; k < MR; k++) {
                                transformed[to + k] = transformed[from + k];
                            }
                        }
                    }
                }
            }
        }

        private int nr() {
            return geo.nr;
        }

        /** The transposed path's micro-panels of MR tile columns: every column tile's, in column order. */
        private int transposedPanels() {
            return (colTiles - 1) * (nr() / MR) + tileWidth(colTiles - 1) / MR;
        }

        /**
         * The chunk's GEMMs as Mᵀ = Vᵀ U: panels of MR tile columns take the A operand's place and output-channel
         * tiles of the weights ({@link PackedWeights#channelTiles}) the B operand's, so each micro-kernel step does
         * full-width FMAs. A last panel of at most {@link #ROW_SUMS_MAX} valid rows (the ninth tile of a 6x6 map's
         * nine) is done row by row, against all of the task's channel tiles at once ({@link SgemmMicroKernel#rowSums}),
         * instead of as a mostly padded tile. Every M value is still acc = 0, fma over input channels ascending (the
         * bare sums), so it equals the normal path's bit for bit; the output transform then runs with output
         * channels as its lanes. The weights are read straight from memory, as in PackedSgemm's few-columns path:
         * reading each channel tile once ahead of its GEMMs made both slower (bench/HISTORY.md).
         */
        private void multiplyTransposed(int t0, int count) {
            int nr = nr();
            int m = geo.m;
            int lanes = tileKernel.lanes();
            int xis = transform.alpha() * transform.alpha();
            int panels = transposedPanels();
            int t1 = Math.min(ceilDiv(outC, nr), t0 + count);
            PackedWeights.ChannelTiles uc = weights.channelTiles(nr);
            int uTile = inC * nr;
            // M of one channel tile: tile column j, xi, nr output channels at j*mRow + xi*nr (rows a cache line
            // apart beyond their size, as in multiplyAndStore).
            int mRow = xis * nr + XI_PAD;
            int mTile = panels * MR * mRow;
            float[] tile = work((t1 - t0) * mTile);
            OutputScratch scratch = OUTPUT_SCRATCH.get().fit(m * m * lanes, tileKernel.scratchFloats(transform), lanes);
            float[] y = scratch.y;
            float[] tmp = scratch.tmp;
            ConvShape s = geo.shape;
            int outPlane = s.outH() * s.outW();
            int[] channelBase = scratch.channelBase;
            int[] laneValid = scratch.laneValid;
            for (int l = 0; l < lanes; l++) {
                channelBase[l] = l * outPlane;
            }
            int full = m * 16 + m;
            for (int xi = 0; xi < xis; xi++) {
                int uOff = (xi * uc.tilesPerGroup() + t0) * uTile;
                for (int p = 0; p < panels; p++) {
                    // Valid rows of this panel; none for a panel past the last column (a chunk of at most 8
                    // columns in a full-width tile, when half tiles are off), which the row loop then skips.
                    int rows = Math.min(MR, columns - p * MR);
                    int aOff = panelBase + (xi * panels + p) * inC * MR;
                    if (rows > ROW_SUMS_MAX) {
                        for (int t = t0; t < t1; t++) {
                            // Row r of this micro-tile is tile column p*MR + r; its xi values sit nr floats apart.
                            microKernel.sums(inC, transformed, aOff, uc.data(), uOff + (t - t0) * uTile, tile,
                                    (t - t0) * mTile + p * MR * mRow + xi * nr, mRow);
                        }
                    } else {
                        for (int r = 0; r < rows; r++) {
                            microKernel.rowSums(inC, transformed, aOff + r, uc.data(), uOff, uTile, t1 - t0, tile,
                                    (p * MR + r) * mRow + xi * nr, mTile);
                        }
                    }
                }
            }
            for (int t = t0; t < t1; t++) {
                for (int j = 0; j < columns; j++) {
                    for (int g = 0; g < nr / lanes; g++) {
                        int oc0 = t * nr + g * lanes;
                        if (oc0 >= outC) {
                            break;
                        }
                        tileKernel.output(transform, tile, (t - t0) * mTile + j * mRow + g * lanes, nr, y, tmp);
                        int v = valid[j];
                        if (v == full && oc0 + lanes <= outC) {
                            tileKernel.store(transform, y, bias, oc0, 1, activation, out,
                                    outOff + outputBase[j] + oc0 * outPlane, s.outW(), channelBase, 0);
                            continue;
                        }
                        for (int l = 0; l < lanes; l++) {
                            laneValid[l] = oc0 + l < outC ? v : 0;
                        }
                        tileKernel.storeValid(transform, y, laneBias, oc0, 1, activation, out,
                                outOff + outputBase[j] + oc0 * outPlane, s.outW(), channelBase, 0, laneValid, 0);
                    }
                }
            }
        }

        /**
         * Zero-padded copy of one channel of one image, pixel (y, x) at (y + padH, x + padW), but only the padded
         * rows this chunk's tiles of that image read ({@link #bandStart}, {@link #bandEnd}): a large map is cut into
         * several chunks, and each padding the whole plane wrote every plane once per chunk. Each padded value is
         * written once (zero or copied), not zeroed first.
         */
        private void padPlane(int task) {
            ConvShape s = geo.shape;
            int image = task / inC;
            int channel = task - image * inC;
            int dst = task * geo.paddedPlane();
            int pw = geo.paddedW;
            int src = inOff + (firstImage + image) * s.inSize() + channel * s.inH() * s.inW();
            int right = s.padW() + s.inW();
            for (int py = bandStart[image]; py < bandEnd[image]; py++) {
                int row = dst + py * pw;
                int y = py - s.padH();
                if (y < 0 || y >= s.inH()) {
                    java.util.Arrays.fill(padded, row, row + pw, 0f);
                    continue;
                }
                java.util.Arrays.fill(padded, row, row + s.padW(), 0f);
                System.arraycopy(in, src + y * s.inW(), padded, row + s.padW(), s.inW());
                java.util.Arrays.fill(padded, row + right, row + pw, 0f);
            }
        }

        private int tileWidth(int ct) {
            return ct == colTiles - 1 && lastTileHalf ? geo.nr / 2 : geo.nr;
        }

        /** V_xi of column tile ct, channels [c0, c1), into v: the tile's xi = 0 at {@code tileOff}. */
        private void transformInput(int ct, int c0, int c1, float[] work, float[] v, int tileOff, int vXiStride) {
            int width = tileWidth(ct);
            int lanes = tileKernel.lanes();
            int plane = geo.paddedPlane();
            for (int g = 0; g < width / lanes; g++) {
                tileKernel.input(transform, padded, c0 * plane, plane, geo.paddedW, inputBase, ct * geo.nr + g * lanes,
                        c1 - c0, v, tileOff + c0 * width + g * lanes, vXiStride, width, work);
            }
        }

        private void multiplyAndStore(int block, int t0, int count) {
            multiplyAndStore(block, t0, count, transformed, t0 * inC * geo.nr, xiStride);
        }

        /**
         * GEMMs of one block of output-channel panels with column tiles [t0, t0 + count), then the output pass. Their
         * V is in v: tile t0's xi = 0 at {@code vOff}, the next tile inC x nr floats on, xi values vXiStride apart.
         */
        private void multiplyAndStore(int block, int t0, int count, float[] v, int vOff, int vXiStride) {
            int nr = geo.nr;
            int m = geo.m;
            int lanes = tileKernel.lanes();
            int xis = transform.alpha() * transform.alpha();
            int p0 = block * panelsPerBlock;
            int p1 = Math.min(weights.panelsPerGroup(), p0 + panelsPerBlock);
            int blockRows = (p1 - p0) * MR;
            int t1 = Math.min(colTiles, t0 + count);
            // M row of one output channel: its xi values nr floats apart, rows a cache line more than that apart.
            int mRow = xis * nr + XI_PAD;
            int mSize = blockRows * mRow;
            int tScratch = tileKernel.scratchFloats(transform);
            float[] tile = work((t1 - t0) * mSize);
            OutputScratch scratch = OUTPUT_SCRATCH.get().fit(m * m * lanes, tScratch, lanes);
            float[] y = scratch.y;
            float[] tmp = scratch.tmp;
            float[] u = weights.data();
            ConvShape s = geo.shape;
            int outPlane = s.outH() * s.outW();
            int outW = s.outW();
            // xi, then panel, then column tile: a weight panel is reused from L1 by all column tiles, and a column
            // tile's V_xi by all panels, so each is read from L2 or memory once per task. M is kept for all of the
            // task's column tiles, row by row (all xi of one output channel together), so that the output
            // transform reads it at a stride of nr floats (a stride of blockRows * nr put its loads into the same
            // cache sets).
            for (int xi = 0; xi < xis; xi++) {
                for (int p = p0; p < p1; p++) {
                    int uOff = weights.offset(xi, p, 0);
                    for (int ct = t0; ct < t1; ct++) {
                        int vAt = vOff + xi * vXiStride + (ct - t0) * inC * nr;
                        int mOff = (ct - t0) * mSize + (p - p0) * MR * mRow + xi * nr;
                        if (tileWidth(ct) == nr) {
                            microKernel.sums(inC, u, uOff, v, vAt, tile, mOff, mRow);
                        } else {
                            microKernel.halfSums(inC, u, uOff, v, vAt, tile, mOff, mRow);
                        }
                    }
                }
            }
            for (int ct = t0; ct < t1; ct++) {
                int width = tileWidth(ct);
                int mBase = (ct - t0) * mSize;
                int rowEnd = Math.min(outC, p1 * MR);
                for (int row = p0 * MR; row < rowEnd; row++) {
                    int local = row - p0 * MR;
                    for (int g = 0; g < width / lanes; g++) {
                        int j0 = ct * nr + g * lanes;
                        tileKernel.output(transform, tile, mBase + local * mRow + g * lanes, nr, y, tmp);
                        if (complete[j0 / lanes]) {
                            tileKernel.store(transform, y, bias, row, 0, activation, out, outOff + row * outPlane,
                                    outW, outputBase, j0);
                            continue;
                        }
                        tileKernel.storeValid(transform, y, bias, row, 0, activation, out, outOff + row * outPlane,
                                outW, outputBase, j0, valid, j0);
                    }
                }
            }
        }
    }

    /** A fused task's buffers, kept per thread: its column tile's V, padded input, tile origins and runs. */
    private static final class FusedScratch {
        float[] v = new float[0];
        float[] padded = new float[0];
        int[] base = new int[0];
        int[] runs = new int[0];
    }

    /** Buffers of one output pass: y and tmp for the tile kernel, and the transposed path's per-lane tables. */
    private static final class OutputScratch {
        float[] y = new float[0];
        float[] tmp = new float[0];
        int[] channelBase = new int[0];
        int[] laneValid = new int[0];

        OutputScratch fit(int yFloats, int tmpFloats, int lanes) {
            if (y.length < yFloats) {
                y = new float[yFloats];
            }
            if (tmp.length < tmpFloats) {
                tmp = new float[tmpFloats];
            }
            if (channelBase.length < lanes) {
                channelBase = new int[lanes];
                laneValid = new int[lanes];
            }
            return this;
        }
    }

    private static float[] work(int size) {
        float[] w = WORK.get();
        if (w.length < size) {
            w = new float[size];
            WORK.set(w);
        }
        return w;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
