package org.caffe4j.cli;

import org.caffe4j.files.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A layer plug-in from its own jar (src/test/plugin-example, compiled here) through {@code run}, {@code verify} and
 * {@code classify} with {@code --plugins}: LeNet with the example's ScaledTanh between ip2 and the softmax.
 */
@Timeout(120)
class PluginCliTest {
    private static final float ALPHA = 1.7159f, BETA = 0.6666f;
    private static final String WEIGHTS = "testdata/lenet_mnist/lenet_iter_10000.caffemodel";

    @TempDir
    static Path shared;
    private static Path pluginJar;
    private static Path net;

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err), null);
        return new Result(code, out.toString(), err.toString());
    }

    /** Compiles {@code sources} (a folder with src/) against this JVM's class path into a jar with its resources. */
    static Path jar(Path sources, Path jar) throws IOException {
        Path classes = Files.createTempDirectory(jar.getParent(), "classes");
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
        try (Stream<Path> walk = Files.walk(sources)) {
            walk.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter log = new StringWriter();
        int status = javac.run(null, OutputStream.nullOutputStream(), new java.io.PrintStream(OutputStream.nullOutputStream()),
                args.toArray(String[]::new));
        assertEquals(0, status, "the plug-in does not compile: " + log);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path root : List.of(classes, sources)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path f : walk.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".java")).toList()) {
                        out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
            }
        }
        return jar;
    }

    static String lenetWith(String customLayer) throws IOException {
        String lenet = Files.readString(Path.of("testdata/lenet_mnist/lenet.prototxt"));
        String prob = "layer {\n  name: \"prob\"\n  type: \"Softmax\"\n  bottom: \"ip2\"";
        assertTrue(lenet.contains(prob));
        return lenet.replace(prob, customLayer + "\nlayer {\n  name: \"prob\"\n  type: \"Softmax\"\n  bottom: \"st\"");
    }

    @BeforeAll
    static void buildThePlugin() throws IOException {
        Path sources = Path.of("cli/src/test/plugin-example");
        pluginJar = jar(sources.resolve("src"), shared.resolve("scaled-tanh.jar"));
        net = Files.writeString(shared.resolve("lenet_st.prototxt"), lenetWith(
                "layer { name: \"st\" type: \"ScaledTanh\" bottom: \"ip2\" top: \"st\"\n"
                        + "        scaled_tanh_param { alpha: " + ALPHA + " beta: " + BETA + " } }"));
    }

    private static float[] scaledTanh(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = ALPHA * (float) Math.tanh(BETA * x[i]);
        }
        return y;
    }

    @Test
    void runWritesThePluginsOutput() throws IOException {
        Result r = cli("run", net.toString(), WEIGHTS, "--input", "testdata/golden/lenet_mnist/data.npy",
                "--out", dir.toString(), "--all-blobs", "--plugins", pluginJar.toString());
        assertEquals(0, r.code(), r.err());
        float[] ip2 = Npy.read(dir.resolve("ip2.npy")).data();
        float[] st = Npy.read(dir.resolve("st.npy")).data();
        float[] expected = scaledTanh(ip2);
        assertEquals(expected.length, st.length);
        for (int i = 0; i < st.length; i++) {
            assertEquals(expected[i], st[i], 1e-6f, "st[" + i + "]");
        }
    }

    @Test
    void verifyComparesThePluginsBlobWithAGolden() throws IOException {
        Path golden = Files.createDirectories(dir.resolve("golden"));
        Files.copy(Path.of("testdata/golden/lenet_mnist/data.npy"), golden.resolve("data.npy"));
        Files.copy(Path.of("testdata/golden/lenet_mnist/ip2.npy"), golden.resolve("ip2.npy"));
        Npy.Array ip2 = Npy.read(golden.resolve("ip2.npy"));
        Npy.write(golden.resolve("st.npy"), ip2.shape(), scaledTanh(ip2.data()));
        Result ok = cli("verify", net.toString(), WEIGHTS, "--golden", golden.toString(),
                "--input", golden.resolve("data.npy").toString(), "--plugins", pluginJar.toString());
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("st"), ok.out());
        // A golden of another alpha fails on exactly that blob.
        float[] wrong = scaledTanh(ip2.data());
        for (int i = 0; i < wrong.length; i++) {
            wrong[i] *= 1.01f;
        }
        Npy.write(golden.resolve("st.npy"), ip2.shape(), wrong);
        Result bad = cli("verify", net.toString(), WEIGHTS, "--golden", golden.toString(),
                "--input", golden.resolve("data.npy").toString(), "--plugins", pluginJar.toString());
        assertNotEquals(0, bad.code(), bad.out());
    }

    @Test
    void classifyRunsThePluginInsideTheNet() throws IOException {
        String[] common = {"classify", net.toString(), WEIGHTS, "--labels", "models/lenet-mnist/labels.txt",
                "--channels", "1", "--resize", "28x28", "--scale", "0.00390625", "--top", "1", "--csv",
                "testdata/mnist/t10k_00_label7.pgm"};
        List<String> withPlugin = new ArrayList<>(List.of(common));
        withPlugin.addAll(List.of("--plugins", pluginJar.toString()));
        Result r = cli(withPlugin.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        String[] row = r.out().lines().filter(l -> l.contains("t10k_00_label7")).findFirst().orElseThrow().split(",");
        assertEquals("7", row[3], r.out());
        // The same digit through `run`: classify's preprocessing for LeNet is pixel / 256 (raw scale 255, scale 1/256).
        byte[] pgm = Files.readAllBytes(Path.of("testdata/mnist/t10k_00_label7.pgm"));
        float[] x = new float[28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = (pgm[pgm.length - x.length + i] & 0xff) / 256f;
        }
        Npy.write(dir.resolve("x.npy"), new int[]{1, 1, 28, 28}, x);
        Result run = cli("run", net.toString(), WEIGHTS, "--input", dir.resolve("x.npy").toString(), "--out",
                dir.resolve("run").toString(), "--plugins", pluginJar.toString());
        assertEquals(0, run.code(), run.err());
        float p7 = Npy.read(dir.resolve("run/prob.npy")).data()[7];
        assertEquals(p7, Double.parseDouble(row[4]), 1e-7, r.out());
        // Squashed logits: far from the plain LeNet's 1.0000 for this digit.
        assertTrue(p7 < 0.9, r.out());
    }

    @Test
    void withoutThePluginTheNetIsRefusedNamingTheField() {
        Result r = cli("run", net.toString(), WEIGHTS, "--input", "testdata/golden/lenet_mnist/data.npy",
                "--out", dir.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("scaled_tanh_param"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aBadPluginParameterIsOneLineNamingFileLayerAndField() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.prototxt"), lenetWith(
                "layer { name: \"st\" type: \"ScaledTanh\" bottom: \"ip2\" top: \"st\" scaled_tanh_param { beta: -1 } }"));
        Result r = cli("run", bad.toString(), WEIGHTS, "--input", "testdata/golden/lenet_mnist/data.npy",
                "--out", dir.toString(), "--plugins", pluginJar.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertEquals("error: " + bad + ": layer 'st' (ScaledTanh): scaled_tanh_param.beta must be positive, got -1.0",
                r.err().strip());
        Path notANumber = Files.writeString(dir.resolve("nan.prototxt"), lenetWith(
                "layer { name: \"st\" type: \"ScaledTanh\" bottom: \"ip2\" top: \"st\" scaled_tanh_param { alpha: \"x\" } }"));
        r = cli("run", notANumber.toString(), WEIGHTS, "--input", "testdata/golden/lenet_mnist/data.npy",
                "--out", dir.toString(), "--plugins", pluginJar.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertTrue(r.err().contains("layer 'st' (ScaledTanh): scaled_tanh_param.alpha = x is not a number"), r.err());
    }

    @Test
    void aPluginMayNotReplaceABuiltInType() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/org/example"));
        Files.writeString(src.resolve("MyConvolution.java"), """
                package org.example;
                public final class MyConvolution implements org.caffe4j.spi.CustomLayer {
                    public String type() { return "Convolution"; }
                    public java.util.List<int[]> outputShapes(org.caffe4j.spi.LayerParams p, java.util.List<int[]> in) {
                        return in;
                    }
                    public void forward(org.caffe4j.spi.LayerParams p, org.caffe4j.spi.LayerCall call) {
                    }
                }
                """);
        Path services = Files.createDirectories(dir.resolve("src/META-INF/services"));
        Files.writeString(services.resolve("org.caffe4j.spi.CustomLayer"), "org.example.MyConvolution\n");
        Path jar = jar(dir.resolve("src"), dir.resolve("my-conv.jar"));
        Result r = cli("run", "testdata/lenet_mnist/lenet.prototxt", WEIGHTS, "--input",
                "testdata/golden/lenet_mnist/data.npy", "--out", dir.resolve("out").toString(), "--plugins", jar.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertTrue(r.err().contains("org.example.MyConvolution") && r.err().contains("my-conv.jar")
                && r.err().contains("claims the layer type 'Convolution'"), r.err());
    }

    @Test
    void aMissingPluginPathIsOneLine() {
        Result r = cli("run", net.toString(), WEIGHTS, "--input", "x.npy", "--out", dir.toString(),
                "--plugins", dir.resolve("none.jar").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertEquals("error: --plugins '" + dir.resolve("none.jar") + "': no such file or folder", r.err().strip());
    }
}
