package org.caffe4j.kernels.simd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code SgemmVectorTiles.java}: the register tiles of {@link SgemmVectorKernel} written out as straight-line
 * code (C2 keeps vectors in registers only when nothing is factored into loops or helpers), from one template per
 * tile kind: rows x vectors of accumulators, the k loop (per k: the B vectors, then each row's broadcast and its
 * FMAs, in that order), and an epilogue that stores the sums, adds them to C, or adds the start value and applies
 * ReLU. Every tile computes what {@link SgemmScalarKernel} computes, in the same order, so results are bit-identical.
 * {@code SgemmVectorCodegenTest} fails when the committed file differs from this generator's output.
 *
 * <pre>
 * mvn -q -o test-compile -pl core
 * java -cp core/target/classes:core/target/test-classes org.caffe4j.kernels.simd.SgemmVectorCodegen \
 *     core/src/main/java/org/caffe4j/kernels/simd/SgemmVectorTiles.java
 * </pre>
 */
public final class SgemmVectorCodegen {
    private enum Epilogue {
        /** C = sums. */
        STORE,
        /** C += sums (a later K slice). */
        ONTO,
        /** C = max(sums + bias, floor): JDK 25's fused 4-row pass. */
        BIAS_FLOOR,
        /**
         * C = max(sums + (kept or start), floor): the AVX-512 tiles, no branch. Kept is C for a later K slice, else a
         * small array of zeros in L1 that the blend discards: loading C there only to discard it stalled the tile on
         * every C line not in cache (bench/HISTORY.md, session 40).
         */
        BLEND,
        /** C = max(sums + C, floor): the transposed tile, whose C starts as the bias. */
        ONTO_FLOOR
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[0]), generate(), StandardCharsets.UTF_8);
    }

    static String generate() {
        StringBuilder s = new StringBuilder(HEADER);
        tile(s, "Rows aOff+0..3 of an A panel x 2 vectors: stores the plain sums (AVX2 path of "
                + "{@link SgemmVectorKernel#tile}).", "sumFourRows", 4, 2, Epilogue.STORE);
        tile(s, "As {@link #sumFourRows}, adding each sum to what C holds (a later K slice).", "sumFourRowsOnto", 4, 2,
                Epilogue.ONTO);
        tile(s, "A 4-row pass that adds the start value and applies ReLU as it stores (AVX2 path on JDK 25+, "
                + "{@link SgemmVectorKernel#FUSED_FOUR_ROWS}): the start values are read after the k loop, the floor is "
                + "0 or -infinity.", "fourRowsFused", 4, 2, Epilogue.BIAS_FLOOR);
        tile(s, "MR rows x 1 vector: stores the plain sums (AVX2 path of {@link SgemmVectorKernel#halfTile}).",
                "sumHalf", 8, 1, Epilogue.STORE);
        tile(s, "As {@link #sumHalf}, adding each sum to what C holds.", "sumHalfOnto", 8, 1, Epilogue.ONTO);
        tile(s, "MR x 2 vectors in one pass: 16 accumulators, for the 32 registers of AVX-512.", "tileEightRows", 8, 2,
                Epilogue.BLEND);
        tile(s, "MR x 1 vector in one pass with the output pass fused (AVX-512).", "halfTileFused", 8, 1,
                Epilogue.BLEND);
        tile(s, "{@link #TRANSPOSED_ROWS} columns of a column panel (its rows, that many floats apart) x 2 vectors "
                + "of output channels: 24 accumulators, for the 32 registers of AVX-512 ({@link "
                + "SgemmVectorKernel#transposedTile}).", "transposedTwelveRows", 12, 2, Epilogue.ONTO_FLOOR,
                "TRANSPOSED_ROWS");
        rowTiles(s, "One A row against four B tiles (each 2 vectors wide, {@code bStride} apart): one broadcast feeds "
                + "eight FMAs into eight independent sums, enough to cover the FMA latency ({@link "
                + "SgemmVectorKernel#rowSums}).", "rowFourTiles", 4);
        rowTiles(s, "One A row against one B tile: the remainder of {@link #rowFourTiles}.", "rowOneTile", 1);
        s.append(FOOTER);
        return s.toString();
    }

    /** One row of A (every MR-th float of a panel) times {@code tiles} B tiles of 2 vectors; stores the plain sums. */
    private static void rowTiles(StringBuilder s, String doc, String name, int tiles) {
        s.append("\n    /** ").append(doc).append(" */\n");
        s.append("    static void ").append(name).append("(int kc, float[] a, int aOff, float[] b, int bOff, ")
                .append(tiles > 1 ? "int bStride, " : "").append("float[] c,\n            int cOff")
                .append(tiles > 1 ? ", int cStride" : "").append(") {\n");
        for (int t = 0; t < tiles; t++) {
            s.append("       ");
            for (int j = 0; j < 2; j++) {
                s.append(" FloatVector ").append(acc(t, j)).append(" = FloatVector.zero(S);");
            }
            s.append('\n');
        }
        s.append("        for (int k = 0, ak = aOff, bk = bOff; k < kc; k++, ak += MR, bk += 2 * LANES) {\n");
        s.append("            FloatVector av = FloatVector.broadcast(S, a[ak]);\n");
        for (int t = 0; t < tiles; t++) {
            for (int j = 0; j < 2; j++) {
                s.append("            ").append(acc(t, j)).append(" = av.fma(FloatVector.fromArray(S, b, bk")
                        .append(offset(t, "bStride", j)).append("), ").append(acc(t, j)).append(");\n");
            }
        }
        s.append("        }\n");
        for (int t = 0; t < tiles; t++) {
            for (int j = 0; j < 2; j++) {
                s.append("        ").append(acc(t, j)).append(".intoArray(c, cOff").append(offset(t, "cStride", j))
                        .append(");\n");
            }
        }
        s.append("    }\n");
    }

    /** " + t * stride + j * LANES", leaving out the zero terms. */
    private static String offset(int t, String stride, int j) {
        return (t == 0 ? "" : t == 1 ? " + " + stride : " + " + t + " * " + stride) + (j == 0 ? "" : " + LANES");
    }

    private static void tile(StringBuilder s, String doc, String name, int rows, int vectors, Epilogue e) {
        tile(s, doc, name, rows, vectors, e, "MR");
    }

    /** @param aStride the floats between one k and the next in the A panel (the panel's row count) */
    private static void tile(StringBuilder s, String doc, String name, int rows, int vectors, Epilogue e,
                             String aStride) {
        s.append("\n    /** ").append(doc).append(" */\n");
        s.append("    static void ").append(name).append("(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, ")
                .append("int cOff, int ldc");
        switch (e) {
            case BIAS_FLOOR -> s.append(",\n            float[] bias, int biasOff, float floor");
            case BLEND -> s.append(",\n            float keep, float[] kept, int keptOff, int keptLd, float[] start, ")
                    .append("int startOff, float floor");
            case ONTO_FLOOR -> s.append(", float floor");
            default -> { }
        }
        s.append(") {\n");
        for (int r = 0; r < rows; r++) {
            s.append("       ");
            for (int j = 0; j < vectors; j++) {
                s.append(" FloatVector ").append(acc(r, j)).append(" = FloatVector.zero(S);");
            }
            s.append('\n');
        }
        s.append("        for (int k = 0, ak = aOff, bk = bOff; k < kc; k++, ak += ").append(aStride).append(", bk += ")
                .append(vectors)
                .append(" * LANES) {\n");
        for (int j = 0; j < vectors; j++) {
            s.append("            FloatVector b").append(j).append(" = FloatVector.fromArray(S, b, bk")
                    .append(j == 0 ? "" : " + " + j + " * LANES").append(");\n");
        }
        for (int r = 0; r < rows; r++) {
            s.append("            FloatVector a").append(r).append(" = FloatVector.broadcast(S, a[ak + ").append(r)
                    .append("]);\n");
            for (int j = 0; j < vectors; j++) {
                s.append("            ").append(acc(r, j)).append(" = a").append(r).append(".fma(b").append(j)
                        .append(", ").append(acc(r, j)).append(");\n");
            }
        }
        s.append("        }\n");
        switch (e) {
            case STORE -> {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < vectors; j++) {
                        s.append("        ").append(acc(r, j)).append(".intoArray(c, ").append(at(r, j)).append(");\n");
                    }
                }
            }
            case ONTO -> {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < vectors; j++) {
                        s.append("        ").append(acc(r, j)).append(".add(FloatVector.fromArray(S, c, ").append(at(r, j))
                                .append(")).intoArray(c, ").append(at(r, j)).append(");\n");
                    }
                }
            }
            case ONTO_FLOOR -> {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < vectors; j++) {
                        s.append("        ").append(acc(r, j)).append(".add(FloatVector.fromArray(S, c, ").append(at(r, j))
                                .append(")).max(floor).intoArray(c, ").append(at(r, j)).append(");\n");
                    }
                }
            }
            case BIAS_FLOOR -> {
                for (int r = 0; r < rows; r++) {
                    s.append("        float s").append(r).append(" = bias == null ? 0f : bias[biasOff + ").append(r)
                            .append("];\n");
                }
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < vectors; j++) {
                        s.append("        ").append(acc(r, j)).append(".add(s").append(r).append(").max(floor).intoArray(c, ")
                                .append(at(r, j)).append(");\n");
                    }
                }
            }
            case BLEND -> {
                s.append("        // Output pass with no branch at all (see SgemmVectorKernel): kept (C when keep != 0) or the start\n");
                s.append("        // value by blend, ReLU as max with the floor (0, or -infinity when off); the caller turns its flags\n");
                s.append("        // into these values, so no flag seen late in the run can trap this compiled method.\n");
                s.append("        VectorMask<Float> fromC = FloatVector.broadcast(S, keep).compare(VectorOperators.NE, 0f);\n");
                for (int r = 0; r < rows; r++) {
                    s.append("        float start").append(r).append(" = start[startOff + ").append(r).append("];\n");
                }
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < vectors; j++) {
                        s.append("        ").append(acc(r, j)).append(" = ").append(acc(r, j))
                                .append(".add(FloatVector.broadcast(S, start").append(r)
                                .append(").blend(FloatVector.fromArray(S, kept, ").append(keptAt(r, j)).append("), fromC))\n")
                                .append("                .max(floor);\n");
                    }
                }
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < vectors; j++) {
                        s.append("        ").append(acc(r, j)).append(".intoArray(c, ").append(at(r, j)).append(");\n");
                    }
                }
            }
        }
        s.append("    }\n");
    }

    private static String acc(int row, int vector) {
        return "c" + row + vector;
    }

    /** The kept values' index of row r, vector j of the tile. */
    private static String keptAt(int row, int vector) {
        return "keptOff + " + row + " * keptLd" + (vector == 0 ? "" : " + " + vector + " * LANES");
    }

    /** C's index of row r, vector j of the tile. */
    private static String at(int row, int vector) {
        return "cOff + " + row + " * ldc" + (vector == 0 ? "" : " + " + vector + " * LANES");
    }

    private static final String HEADER = """
            package org.caffe4j.kernels.simd;

            import jdk.incubator.vector.FloatVector;
            import jdk.incubator.vector.VectorMask;
            import jdk.incubator.vector.VectorOperators;
            import jdk.incubator.vector.VectorSpecies;
            import org.caffe4j.kernels.gemm.SgemmMicroKernel;

            /**
             * The register tiles of {@link SgemmVectorKernel} (which picks among them per machine), written out in full.
             *
             * <p>GENERATED by {@code SgemmVectorCodegen} (test sources): do not edit by hand, regenerate.
             */
            final class SgemmVectorTiles {
                private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
                private static final int LANES = S.length();
                private static final int MR = SgemmMicroKernel.MR;
                /** Columns per panel of the transposed few-columns path on AVX-512 ({@link #transposedTwelveRows}). */
                static final int TRANSPOSED_ROWS = 12;

                private SgemmVectorTiles() {
                }
            """;

    private static final String FOOTER = """

                /** y = y > 0 ? y : y * slope over a rows x width block of C, in place (the leaky ReLU the tiles leave out). */
                static void leakyRelu(float[] c, int cOff, int ldc, int rows, int width, float slope) {
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < width; j += LANES) {
                            FloatVector v = FloatVector.fromArray(S, c, cOff + r * ldc + j);
                            v.blend(v.mul(slope), v.compare(VectorOperators.LE, 0f)).intoArray(c, cOff + r * ldc + j);
                        }
                    }
                }
            }
            """;
}
