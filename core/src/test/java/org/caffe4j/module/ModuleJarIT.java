package org.caffe4j.module;

import org.caffe4j.classify.Classifier;
import org.caffe4j.classify.Prediction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged library jar is the module org.caffe4j: it exports the user packages and nothing else, and an
 * application on the module path classifies with it exactly as one on the classpath does, while code that reaches
 * for the graph, the plan or the kernels does not compile. Runs after `package` (failsafe, in `mvn verify`), on the
 * jar that is installed.
 */
class ModuleJarIT {
    /** What a user programs against; the rest (graph, plan, ops, kernels, protobuf) is concealed. */
    private static final Set<String> EXPORTED = Set.of("org.caffe4j", "org.caffe4j.runtime", "org.caffe4j.classify",
            "org.caffe4j.detect", "org.caffe4j.verify", "org.caffe4j.registry", "org.caffe4j.fetch",
            "org.caffe4j.preprocess", "org.caffe4j.files", "org.caffe4j.spi", "org.caffe4j.examples");

    private static Path jar;

    @BeforeAll
    static void findTheJar() {
        String name = System.getProperty("caffe4j.libraryJar");
        assertTrue(name != null, "failsafe passes caffe4j.libraryJar");
        jar = Path.of(name);
        assertTrue(Files.isRegularFile(jar), jar + " is built by `package` before this test");
    }

    @Test
    void theJarExportsTheUserPackagesOnly() {
        Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
        assertEquals(1, found.size());
        ModuleDescriptor d = found.iterator().next().descriptor();
        assertEquals("org.caffe4j", d.name());
        assertTrue(!d.isAutomatic(), "an explicit module, not an automatic one");
        Set<String> exported = d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(new TreeSet<>(EXPORTED), new TreeSet<>(exported));
        for (String inside : List.of("org.caffe4j.ir", "org.caffe4j.plan", "org.caffe4j.ops", "org.caffe4j.importer",
                "org.caffe4j.kernels.simd", "org.caffe4j.proto", "org.caffe4j.shaded.protobuf")) {
            assertTrue(d.packages().contains(inside) && !exported.contains(inside), inside + " is in the module, concealed");
        }
        Set<String> required = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertTrue(!required.contains("com.google.protobuf") && !required.contains("protobuf.java"),
                "protobuf travels relocated inside the jar: " + required);
        assertEquals(Set.of("org.caffe4j.spi.CustomLayer"), d.uses());
    }

    @Test
    void anApplicationOnTheModulePathClassifiesAsOneOnTheClasspath(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("one.png");
        Path jpeg = dir.resolve("seven.jpg");
        ImageIO.write(digit(false), "png", png.toFile());
        ImageIO.write(digit(true), "jpeg", jpeg.toFile());
        List<String> expected = new ArrayList<>();
        try (Classifier c = Classifier.load("lenet-mnist")) {
            for (Path image : List.of(png, jpeg)) {
                Prediction p = c.classify(image, 1).get(0);
                expected.add(p.label() + " " + Float.floatToIntBits(p.probability()));
            }
        }
        Path app = dir.resolve("ClassifyOnTheModulePath.java");
        Files.writeString(app, """
                import org.caffe4j.MemoryBudget;
                import org.caffe4j.classify.Classifier;
                import org.caffe4j.classify.Prediction;
                import java.nio.file.Path;

                public class ClassifyOnTheModulePath {
                    public static void main(String[] args) throws Exception {
                        Module library = Classifier.class.getModule();
                        if (!library.isNamed() || !library.getName().equals("org.caffe4j")) {
                            throw new AssertionError("loaded from " + library);
                        }
                        try (Classifier c = Classifier.load("lenet-mnist")) {
                            for (String image : args) {
                                Prediction p = c.classify(Path.of(image), 1).get(0);
                                System.out.println(p.label() + " " + Float.floatToIntBits(p.probability()));
                            }
                            // Reads the JVM's memory pools: the module must declare java.management.
                            if (MemoryBudget.liveHeapBytesAfterFullCollection() <= 0) {
                                throw new AssertionError("no live heap measured");
                            }
                        }
                    }
                }
                """);
        Result r = onTheModulePath(app, png.toString(), jpeg.toString());
        assertEquals(0, r.exit, r.err);
        assertEquals(expected, r.out.lines().toList(), r.err);
        assertEquals("", r.err, "nothing on stderr");
    }

    @Test
    void codeThatReachesInsideDoesNotCompile(@TempDir Path dir) throws Exception {
        Path app = dir.resolve("ReachesInside.java");
        Files.writeString(app, """
                import org.caffe4j.ir.Graph;

                public class ReachesInside {
                    public static void main(String[] args) {
                        System.out.println(Graph.class);
                    }
                }
                """);
        Result r = onTheModulePath(app);
        assertNotEquals(0, r.exit, r.out);
        assertTrue(r.err.contains("package org.caffe4j.ir is not visible")
                && r.err.contains("does not export it"), r.err);
    }

    private record Result(int exit, String out, String err) {
    }

    /** Runs a one-file program (source-launcher mode) with the library and its image plug-ins on the module path. */
    private static Result onTheModulePath(Path program, String... args) throws IOException, InterruptedException {
        List<String> modulePath = new ArrayList<>(List.of(jar.toString()));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("twelvemonkeys")) {
                modulePath.add(entry);
            }
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", String.join(File.pathSeparator, modulePath),
                "--add-modules", "ALL-MODULE-PATH,jdk.incubator.vector", program.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(program.getParent(), "out", ".txt");
        Path err = Files.createTempFile(program.getParent(), "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the program finishes");
        String stderr = Files.readString(err, StandardCharsets.UTF_8).lines()
                // The JVM's and the source launcher's own notes about the incubator module, not the library's.
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")
                        && !l.equals("warning: using incubating module(s): jdk.incubator.vector") && !l.equals("1 warning"))
                .collect(Collectors.joining("\n"));
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), stderr);
    }

    /** A white stroke on black, 28x28: a "1", or a "7" (saved as JPEG, which the TwelveMonkeys reader decodes). */
    private static BufferedImage digit(boolean seven) {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.setStroke(new java.awt.BasicStroke(3));
        if (seven) {
            g.drawLine(7, 6, 21, 6);
            g.drawLine(21, 6, 11, 23);
        } else {
            g.drawLine(14, 5, 14, 23);
        }
        g.dispose();
        return image;
    }
}
