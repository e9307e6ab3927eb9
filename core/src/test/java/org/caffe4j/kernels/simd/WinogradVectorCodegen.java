package org.caffe4j.kernels.simd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.caffe4j.kernels.conv.WinogradMatrices;

/**
 * Writes {@code WinogradVectorTransforms.java}: the Vector API Winograd transforms written out as straight-line code
 * for the tile sizes the runtime uses, with {@link WinogradMatrices}' coefficients as constants (zeros skipped,
 * ±1 as add/subtract), because C2 keeps vectors in registers only in straight-line code, and loops over
 * coefficient tables ran ~8x slower. Every value follows the sequence {@link
 * org.caffe4j.kernels.conv.WinogradTransformKernel} defines, so the result is bit-identical to the scalar twin.
 * {@code WinogradVectorCodegenTest} fails when the committed file differs from this generator's output.
 *
 * <pre>
 * mvn -q -o test-compile
 * java -cp target/classes:target/test-classes org.caffe4j.kernels.simd.WinogradVectorCodegen \
 *     src/main/java/org/caffe4j/kernels/simd/WinogradVectorTransforms.java
 * </pre>
 */
public final class WinogradVectorCodegen {
    /** Input tile sizes alpha with a written-out input transform. */
    static final int[] INPUT_SIZES = {4, 5, 6, 8};
    /** Output tile sizes m whose side-by-side tiles are stored as whole vectors ({@link #generateSideBySide}). */
    static final int[] SIDE_BY_SIDE_SIZES = {2, 3, 4, 6};
    /** (m, r) pairs with a written-out output transform. */
    static final int[][] OUTPUT_SIZES = {{2, 3}, {3, 3}, {4, 3}, {6, 3}, {2, 5}, {4, 5}};

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[0]), generate(), StandardCharsets.UTF_8);
    }

    static String generate() {
        StringBuilder s = new StringBuilder();
        s.append(HEADER);
        s.append("    @Override\n");
        s.append("    public void input(WinogradMatrices w, float[] src, int srcOff, int channelStride, int rowStride, int[] base,\n");
        s.append("                      int baseOff, int channels, float[] dst, int dstOff, int dstXiStride, int dstChannelStride,\n");
        s.append("                      float[] scratch) {\n");
        s.append("        for (int c = 0; c < channels; c++) {\n");
        s.append("            int at = srcOff + c * channelStride;\n");
        s.append("            int out = dstOff + c * dstChannelStride;\n");
        s.append("            switch (w.alpha()) {\n");
        for (int alpha : INPUT_SIZES) {
            // The staging call stays in each case: with the literal alpha C2 unrolls its loops (one call before the
            // switch, with w.alpha(), made conv1-conv3 1.01-1.08x slower).
            s.append("                case ").append(alpha).append(" -> {\n");
            s.append("                    stage(src, at, rowStride, base, baseOff, ").append(alpha).append(", scratch, ")
                    .append(alpha * alpha).append(" * LANES);\n");
            s.append("                    columns").append(alpha).append("(scratch);\n");
            s.append("                    rows").append(alpha).append("(dst, out, dstXiStride, scratch);\n");
            s.append("                }\n");
        }
        s.append("                default -> inputAnySize(w, src, at, rowStride, base, baseOff, dst, out, dstXiStride, scratch);\n");
        s.append("            }\n        }\n    }\n\n");
        s.append("    @Override\n");
        s.append("    public void output(WinogradMatrices w, float[] src, int srcOff, int xiStride, float[] y, float[] scratch) {\n");
        s.append("        switch (w.m() * 16 + w.alpha()) {\n");
        for (int[] mr : OUTPUT_SIZES) {
            int alpha = mr[0] + mr[1] - 1;
            s.append("            case ").append(mr[0] * 16 + alpha).append(" -> output").append(mr[0]).append("x")
                    .append(alpha).append("(src, srcOff, xiStride, y, scratch);\n");
        }
        s.append("            default -> outputAnySize(w, src, srcOff, xiStride, y, scratch);\n");
        s.append("        }\n    }\n");
        s.append(GENERIC);
        for (int alpha : INPUT_SIZES) {
            generateInput(s, WinogradMatrices.of(alpha - 2, 3));
        }
        for (int[] mr : OUTPUT_SIZES) {
            generateOutput(s, WinogradMatrices.of(mr[0], mr[1]));
        }
        generateSideBySide(s);
        s.append("}\n");
        return s.toString();
    }

    /**
     * The stores of lanes whose tiles lie side by side in one output row: row i of the LANES tiles is then
     * m * LANES consecutive floats, position p = l*m + j holding lane l's column j, which m vectors cover. Output
     * vector q takes, for each source column j, {@code y_ij} rearranged by one shuffle (lane e gets lane
     * (q*LANES + e) / m) and blended in where (q*LANES + e) % m == j: m rearranges and m - 1 blends a vector, m
     * stores a row, where the scatter takes m stores of LANES scattered floats (or LANES scalar stores each without a
     * scatter instruction). The shuffles and masks are constants per (m, q, j), built for this machine's LANES.
     */
    private static void generateSideBySide(StringBuilder s) {
        s.append("\n    /** The m tiles' stores of {@link #store} when the lanes' tiles lie side by side in one output row. */\n");
        s.append("    private static boolean storedSideBySide(int m, float[] y, float[] out, int outOff, int rowStride,\n");
        s.append("                                            int[] laneBase, int laneBaseOff) {\n");
        s.append("        int first = laneBase[laneBaseOff];\n");
        s.append("        for (int l = 1; l < LANES; l++) {\n");
        s.append("            if (laneBase[laneBaseOff + l] != first + l * m) {\n");
        s.append("                return false;\n");
        s.append("            }\n");
        s.append("        }\n");
        sideBySideSwitch(s, "(y, out, outOff + first, rowStride)");
        s.append("    /**\n");
        s.append("     * Rewrites y in place as rows of side-by-side tiles (row i of lane l's tile at {@code y[i*m*LANES + l*m ..]}, m\n");
        s.append("     * floats), for the sizes that have such a store; false (y unchanged) for the others.\n");
        s.append("     */\n");
        s.append("    private static boolean interleaved(int m, float[] y) {\n");
        sideBySideSwitch(s, "(y, y, 0, m * LANES)");
        s.append("    /** Lane e of output vector q of a row of side-by-side m x m tiles comes from lane (q*LANES + e) / m. */\n");
        s.append("    private static VectorShuffle<Float> sideBySideShuffle(int m, int q) {\n");
        s.append("        int[] lanes = new int[LANES];\n");
        s.append("        for (int e = 0; e < LANES; e++) {\n");
        s.append("            lanes[e] = (q * LANES + e) / m;\n");
        s.append("        }\n");
        s.append("        return VectorShuffle.fromArray(S, lanes, 0);\n");
        s.append("    }\n\n");
        s.append("    /** The lanes of output vector q that hold tile column j. */\n");
        s.append("    private static VectorMask<Float> sideBySideMask(int m, int q, int j) {\n");
        s.append("        boolean[] set = new boolean[LANES];\n");
        s.append("        for (int e = 0; e < LANES; e++) {\n");
        s.append("            set[e] = (q * LANES + e) % m == j;\n");
        s.append("        }\n");
        s.append("        return VectorMask.fromArray(S, set, 0);\n");
        s.append("    }\n");
        for (int m : SIDE_BY_SIDE_SIZES) {
            s.append('\n');
            for (int q = 0; q < m; q++) {
                s.append("    private static final VectorShuffle<Float> SIDE").append(m).append('_').append(q)
                        .append(" = sideBySideShuffle(").append(m).append(", ").append(q).append(");\n");
                for (int j = 1; j < m; j++) {
                    s.append("    private static final VectorMask<Float> SIDE").append(m).append('_').append(q).append('_')
                            .append(j).append(" = sideBySideMask(").append(m).append(", ").append(q).append(", ")
                            .append(j).append(");\n");
                }
            }
            s.append("\n    /** Row i's vectors are all loaded before any is stored, so out may be y itself (rows m * LANES apart). */");
            s.append("\n    private static void sideBySide").append(m)
                    .append("(float[] y, float[] out, int to, int rowStride) {\n");
            s.append("        for (int i = 0; i < ").append(m).append("; i++, to += rowStride) {\n");
            for (int j = 0; j < m; j++) {
                s.append("            FloatVector y").append(j).append(" = FloatVector.fromArray(S, y, (i * ").append(m)
                        .append(" + ").append(j).append(") * LANES);\n");
            }
            for (int q = 0; q < m; q++) {
                s.append("            y0.rearrange(SIDE").append(m).append('_').append(q).append(')');
                for (int j = 1; j < m; j++) {
                    s.append("\n                    .blend(y").append(j).append(".rearrange(SIDE").append(m).append('_')
                            .append(q).append("), SIDE").append(m).append('_').append(q).append('_').append(j).append(')');
                }
                s.append("\n                    .intoArray(out, to").append(q == 0 ? "" : " + " + q + " * LANES")
                        .append(");\n");
            }
            s.append("        }\n");
            s.append("    }\n");
        }
    }

    /** The end of a method on m: {@code sideBySide<m>} with these arguments for the sizes that have one, else false. */
    private static void sideBySideSwitch(StringBuilder s, String arguments) {
        s.append("        switch (m) {\n");
        for (int m : SIDE_BY_SIDE_SIZES) {
            s.append("            case ").append(m).append(" -> sideBySide").append(m).append(arguments).append(";\n");
        }
        s.append("            default -> {\n");
        s.append("                return false;\n");
        s.append("            }\n");
        s.append("        }\n");
        s.append("        return true;\n");
        s.append("    }\n\n");
    }

    /**
     * Column pass d -> t (one column at a time) over the staged tiles, then row pass t -> dst, as the interface orders
     * them, each in a method of its own: with two column passes and the row pass in one method (2.1 KB of bytecode
     * for alpha = 8), JDK 25 ran the 8 x 8 transforms 5-6x slower, presumably past C2's inlining budget for the
     * Vector API calls.
     */
    private static void generateInput(StringBuilder s, WinogradMatrices w) {
        int a = w.alpha();
        s.append("\n    private static void columns").append(a).append("(float[] t) {\n");
        s.append("        for (int x = 0; x < ").append(a).append("; x++) {\n");
        for (int k = 0; k < a; k++) {
            s.append("            FloatVector d").append(k).append(" = FloatVector.fromArray(S, t, (")
                    .append(a * a + k * a).append(" + x) * LANES);\n");
        }
        columnPass(s, w, "            ");
        s.append("        }\n    }\n");
        s.append("\n    private static void rows").append(a).append("(float[] dst, int out, int xiStride, float[] t) {\n");
        s.append("        for (int i = 0; i < ").append(a).append("; i++) {\n");
        for (int k = 0; k < a; k++) {
            s.append("            FloatVector t").append(k).append(" = FloatVector.fromArray(S, t, (i * ").append(a)
                    .append(" + ").append(k).append(") * LANES);\n");
        }
        s.append("            int row = out + i * ").append(a).append(" * xiStride;\n");
        for (int j = 0; j < a; j++) {
            s.append("            ").append(combination(w.inputColumns(j), w.inputValues(j), "t"))
                    .append(".intoArray(dst, row").append(j == 0 ? "" : j == 1 ? " + xiStride" : " + " + j + " * xiStride")
                    .append(");\n");
        }
        s.append("        }\n    }\n");
    }

    /** The input transform's column pass for column x: d0..d(alpha-1) -> t. */
    private static void columnPass(StringBuilder s, WinogradMatrices w, String indent) {
        int a = w.alpha();
        for (int i = 0; i < a; i++) {
            s.append(indent).append(combination(w.inputColumns(i), w.inputValues(i), "d"))
                    .append(".intoArray(t, (").append(i * a).append(" + x) * LANES);\n");
        }
    }

    /** Column pass M -> s (m x alpha), then row pass s -> y (m x m). */
    private static void generateOutput(StringBuilder s, WinogradMatrices w) {
        int a = w.alpha();
        int m = w.m();
        s.append("\n    private static void output").append(m).append("x").append(a)
                .append("(float[] src, int srcOff, int xiStride, float[] y, float[] s) {\n");
        s.append("        for (int x = 0; x < ").append(a).append("; x++) {\n");
        for (int k = 0; k < a; k++) {
            s.append("            FloatVector d").append(k).append(" = FloatVector.fromArray(S, src, srcOff + (")
                    .append(k * a).append(" + x) * xiStride);\n");
        }
        for (int i = 0; i < m; i++) {
            s.append("            ").append(combination(w.outputColumns(i), w.outputValues(i), "d"))
                    .append(".intoArray(s, (").append(i * a).append(" + x) * LANES);\n");
        }
        s.append("        }\n");
        s.append("        for (int i = 0; i < ").append(m).append("; i++) {\n");
        for (int k = 0; k < a; k++) {
            s.append("            FloatVector t").append(k).append(" = FloatVector.fromArray(S, s, (i * ").append(a)
                    .append(" + ").append(k).append(") * LANES);\n");
        }
        for (int j = 0; j < m; j++) {
            s.append("            ").append(combination(w.outputColumns(j), w.outputValues(j), "t"))
                    .append(".intoArray(y, (i * ").append(m).append(" + ").append(j).append(") * LANES);\n");
        }
        s.append("        }\n    }\n");
    }

    /**
     * sum_q values[q] * v{columns[q]} as one expression: the first product, then fused multiply-adds in column
     * order; ±1 become exact negation, addition and subtraction, which round exactly like the fma they replace.
     */
    static String combination(int[] columns, float[] values, String v) {
        if (columns.length == 0) {
            return "FloatVector.zero(S)";
        }
        String e = v + columns[0];
        float c0 = values[0];
        if (c0 == -1f) {
            e = e + ".neg()";
        } else if (c0 != 1f) {
            e = e + ".mul(" + literal(c0) + ")";
        }
        for (int q = 1; q < columns.length; q++) {
            float c = values[q];
            String x = v + columns[q];
            if (c == 1f) {
                e = e + ".add(" + x + ")";
            } else if (c == -1f) {
                e = e + ".sub(" + x + ")";
            } else {
                e = x + ".fma(FloatVector.broadcast(S, " + literal(c) + "), " + e + ")";
            }
        }
        return e;
    }

    private static String literal(float c) {
        return Float.toString(c) + "f";
    }

    private static final String HEADER = """
            package org.caffe4j.kernels.simd;

            import jdk.incubator.vector.FloatVector;
            import jdk.incubator.vector.VectorMask;
            import jdk.incubator.vector.VectorOperators;
            import jdk.incubator.vector.VectorShuffle;
            import jdk.incubator.vector.VectorSpecies;
            import org.caffe4j.kernels.Activation;
            import org.caffe4j.kernels.CpuProfile;
            import org.caffe4j.kernels.conv.WinogradMatrices;
            import org.caffe4j.kernels.conv.WinogradTransformKernel;

            /**
             * The Winograd tile transforms with one tile per vector lane: input tiles are copied lane by lane into a
             * staging buffer, both matrix passes run on whole vectors, and the output tiles go back to the output map.
             * Where all lanes' tiles lie side by side in one row of the map, each row of the tiles is interleaved in
             * registers and stored as m whole vectors; where they form runs of side-by-side tiles, 4 or more on average
             * (consecutive tiles of a map at least 4 tiles wide), it is interleaved in place and copied run by run;
             * otherwise scattered (complete tiles) or copied lane by lane. Session 34 in bench/HISTORY.md has the
             * figures.
             * Loaded only through {@link Simd}; {@link org.caffe4j.kernels.conv.WinogradScalarTransforms} is its twin.
             *
             * <p>Input tiles are staged by scalar copies rather than gathered (one vector gather per tile position, the
             * lanes' tile origins as the index map) on every machine measured. AVX2 (Zen 3), JDK 17: some gathers
             * compiled into calls of the Vector API's allocating Java fallback (NIN's conv2 alone, JFR, allocation
             * samples 5243 -> 725). AVX-512, session 17, whole NIN passes staged against gathered: JDK 25 8.73 -> 7.90
             * and 9.05 -> 8.55 ms, JDK 17 10.2-13.1 -> 9.3-11.2 ms (there a gathered F(4,3) transform still boxed one
             * store, ~110 MB/s of garbage).
             *
             * <p>GENERATED by {@code WinogradVectorCodegen} (test sources) for the tile sizes the runtime picks, with
             * loops over the coefficient tables for any other size: do not edit by hand, regenerate.
             */
            final class WinogradVectorTransforms implements WinogradTransformKernel {
                private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
                private static final int LANES = S.length();

                /**
                 * Whether the CPU has a scatter instruction ({@link CpuProfile#scatter()}). Without it (AVX2) the Vector
                 * API's scatter falls back to Java code that allocates on every call, so {@link #store} writes the vector
                 * back to y and moves lane by lane.
                 */
                private static final boolean SCATTER = CpuProfile.thisJvm(S.vectorBitSize()).scatter();

                @Override
                public int lanes() {
                    return LANES;
                }

                @Override
                public void store(WinogradMatrices w, float[] y, float[] bias, int biasOff, int biasStride, Activation act,
                                  float[] out, int outOff, int rowStride, int[] laneBase, int laneBaseOff) {
                    int m = w.m();
                    activate(m, y, bias, biasOff, biasStride, act);
                    if (storedSideBySide(m, y, out, outOff, rowStride, laneBase, laneBaseOff)) {
                        return;
                    }
                    if (fewRuns(m, laneBase, laneBaseOff) && interleaved(m, y)) {
                        storeRuns(m, y, out, outOff, rowStride, laneBase, laneBaseOff, null, 0);
                        return;
                    }
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < m; j++) {
                            int at = (i * m + j) * LANES;
                            int to = outOff + i * rowStride + j;
                            if (SCATTER) {
                                FloatVector.fromArray(S, y, at).intoArray(out, to, laneBase, laneBaseOff);
                            } else {
                                for (int l = 0; l < LANES; l++) {
                                    out[to + laneBase[laneBaseOff + l]] = y[at + l];
                                }
                            }
                        }
                    }
                }

                @Override
                public void storeValid(WinogradMatrices w, float[] y, float[] bias, int biasOff, int biasStride, Activation act,
                                       float[] out, int outOff, int rowStride, int[] laneBase, int laneBaseOff, int[] valid,
                                       int validOff) {
                    int m = w.m();
                    activate(m, y, bias, biasOff, biasStride, act);
                    if (fewRuns(m, laneBase, laneBaseOff) && interleaved(m, y)) {
                        storeRuns(m, y, out, outOff, rowStride, laneBase, laneBaseOff, valid, validOff);
                        return;
                    }
                    for (int l = 0; l < LANES; l++) {
                        int v = valid[validOff + l];
                        int to = outOff + laneBase[laneBaseOff + l];
                        for (int i = 0; i < v >> 4; i++) {
                            for (int j = 0; j < (v & 15); j++) {
                                out[to + i * rowStride + j] = y[(i * m + j) * LANES + l];
                            }
                        }
                    }
                }

                /**
                 * Whether the lanes' tiles form runs of 4 side-by-side tiles or more on average, for which
                 * {@link #storeRuns} beats the scatter and the lane-by-lane copy; lanes that are output channels (the
                 * transposed path) are runs of one.
                 */
                private static boolean fewRuns(int m, int[] laneBase, int laneBaseOff) {
                    int runs = 1;
                    for (int l = 1; l < LANES; l++) {
                        runs += laneBase[laneBaseOff + l] == laneBase[laneBaseOff + l - 1] + m ? 0 : 1;
                    }
                    return 4 * runs <= LANES;
                }

                /**
                 * The stores from y rewritten by {@link #interleaved}: each run of lanes whose tiles lie side by side with
                 * the same valid rows, only its last tile short of columns, is one run of floats per row (a tile row's
                 * tiles, the rest of a row before the next row's tiles, a right-edge tile). valid null: all m x m.
                 */
                private static void storeRuns(int m, float[] y, float[] out, int outOff, int rowStride, int[] laneBase,
                                              int laneBaseOff, int[] valid, int validOff) {
                    int whole = m * 16 + m;
                    for (int l = 0; l < LANES; l++) {
                        int first = l;
                        int v = valid == null ? whole : valid[validOff + l];
                        while (l + 1 < LANES && (v & 15) == m
                                && (valid == null ? whole : valid[validOff + l + 1]) >> 4 == v >> 4
                                && laneBase[laneBaseOff + l + 1] == laneBase[laneBaseOff + l] + m) {
                            l++;
                            v = valid == null ? whole : valid[validOff + l];
                        }
                        int length = (l - first) * m + (v & 15);
                        int to = outOff + laneBase[laneBaseOff + first];
                        for (int i = 0; i < v >> 4; i++) {
                            System.arraycopy(y, i * m * LANES + first * m, out, to + i * rowStride, length);
                        }
                    }
                }

                /**
                 * y = act(y + bias) in place for all m x m positions of all lanes, as vectors (Math.max semantics, so -0
                 * and NaN come out as the scalar twin's); both stores then only move values. Takes and returns no
                 * vector, so that JDK 17 does not box one at the call.
                 */
                private static void activate(int m, float[] y, float[] bias, int biasOff, int biasStride, Activation act) {
                    boolean relu = act.relu();
                    float slope = act.negativeSlope();
                    FloatVector b = bias == null ? FloatVector.zero(S)
                            : biasStride == 0 ? FloatVector.broadcast(S, bias[biasOff])
                            : FloatVector.fromArray(S, bias, biasOff);
                    for (int at = 0; at < m * m * LANES; at += LANES) {
                        FloatVector v = FloatVector.fromArray(S, y, at).add(b);
                        if (relu && slope == 0f) {
                            v = v.max(0f);
                        } else if (relu) {
                            v = v.blend(v.mul(slope), v.compare(VectorOperators.LE, 0f));
                        }
                        v.intoArray(y, at);
                    }
                }

            """;

    private static final String GENERIC = """

                /**
                 * Copies the alpha x alpha input tiles of all lanes to g, value (y, x) of lane l at
                 * {@code g[gOff + (y*alpha + x)*LANES + l]}: each lane's tile rows are read front to back.
                 */
                private static void stage(float[] src, int at, int rowStride, int[] base, int baseOff, int alpha,
                                          float[] g, int gOff) {
                    for (int l = 0; l < LANES; l++) {
                        int from = at + base[baseOff + l];
                        for (int y = 0; y < alpha; y++) {
                            int row = from + y * rowStride;
                            int to = gOff + y * alpha * LANES + l;
                            for (int x = 0; x < alpha; x++) {
                                g[to + x * LANES] = src[row + x];
                            }
                        }
                    }
                }

                /** Any alpha: the same sequence as the written-out cases, through the coefficient tables. */
                private static void inputAnySize(WinogradMatrices w, float[] src, int at, int rowStride, int[] base,
                                                 int baseOff, float[] dst, int out, int xiStride, float[] scratch) {
                    int alpha = w.alpha();
                    int tOff = alpha * alpha * LANES;
                    stage(src, at, rowStride, base, baseOff, alpha, scratch, 0);
                    for (int i = 0; i < alpha; i++) {
                        int[] ks = w.inputColumns(i);
                        float[] cs = w.inputValues(i);
                        for (int x = 0; x < alpha; x++) {
                            FloatVector acc = FloatVector.fromArray(S, scratch, (ks[0] * alpha + x) * LANES).mul(cs[0]);
                            for (int q = 1; q < ks.length; q++) {
                                acc = FloatVector.fromArray(S, scratch, (ks[q] * alpha + x) * LANES).fma(FloatVector.broadcast(S, cs[q]), acc);
                            }
                            acc.intoArray(scratch, tOff + (i * alpha + x) * LANES);
                        }
                    }
                    for (int i = 0; i < alpha; i++) {
                        for (int j = 0; j < alpha; j++) {
                            int[] ks = w.inputColumns(j);
                            float[] cs = w.inputValues(j);
                            FloatVector acc = FloatVector.fromArray(S, scratch, tOff + (i * alpha + ks[0]) * LANES).mul(cs[0]);
                            for (int q = 1; q < ks.length; q++) {
                                acc = FloatVector.fromArray(S, scratch, tOff + (i * alpha + ks[q]) * LANES).fma(FloatVector.broadcast(S, cs[q]), acc);
                            }
                            acc.intoArray(dst, out + (i * alpha + j) * xiStride);
                        }
                    }
                }

                private static void outputAnySize(WinogradMatrices w, float[] src, int srcOff, int xiStride, float[] y,
                                                  float[] scratch) {
                    int alpha = w.alpha();
                    int m = w.m();
                    for (int i = 0; i < m; i++) {
                        int[] ks = w.outputColumns(i);
                        float[] cs = w.outputValues(i);
                        for (int x = 0; x < alpha; x++) {
                            FloatVector acc = FloatVector.fromArray(S, src, srcOff + (ks[0] * alpha + x) * xiStride).mul(cs[0]);
                            for (int q = 1; q < ks.length; q++) {
                                acc = FloatVector.fromArray(S, src, srcOff + (ks[q] * alpha + x) * xiStride).fma(FloatVector.broadcast(S, cs[q]), acc);
                            }
                            acc.intoArray(scratch, (i * alpha + x) * LANES);
                        }
                    }
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < m; j++) {
                            int[] ks = w.outputColumns(j);
                            float[] cs = w.outputValues(j);
                            FloatVector acc = FloatVector.fromArray(S, scratch, (i * alpha + ks[0]) * LANES).mul(cs[0]);
                            for (int q = 1; q < ks.length; q++) {
                                acc = FloatVector.fromArray(S, scratch, (i * alpha + ks[q]) * LANES).fma(FloatVector.broadcast(S, cs[q]), acc);
                            }
                            acc.intoArray(y, (i * m + j) * LANES);
                        }
                    }
                }
            """;
}
