package org.caffe4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.caffe4j.files.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the README and each command's help promise, checked one by one. */
class CliPromisesTest {
    private static final String CIFAR_TRAIN_TEST = "testdata/cifar10_quick/cifar10_quick_train_test.prototxt";
    private static final String CIFAR_WEIGHTS = "testdata/cifar10_quick/cifar10_quick_iter_5000.caffemodel";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"summary", "run", "verify", "bench", "classify", "fetch", "upgrade", "detect"})
    void everyVerbPrintsItsUsageWithHelpAndExitsZero(String verb) {
        CliTest.Result help = CliTest.run(verb, "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("Usage: caffe4j " + verb), help.out());
        assertEquals("", help.err());
        CliTest.Result viaHelp = CliTest.run("help", verb);
        assertEquals(0, viaHelp.code(), viaHelp.err());
        assertEquals(help.out(), viaHelp.out());
    }

    @Test
    @Timeout(20)
    void absurdThreadCountsAreRefusedWithAClearLine() {
        CliTest.Result r = CliTest.run("summary", "testdata/lenet_mnist/lenet.prototxt", "--threads", "100000");
        assertEquals(2, r.code());
        assertEquals("error: --threads must be 1 to 256, got 100000", r.err().strip());
        CliTest.Result zero = CliTest.run("bench", "testdata/lenet_mnist/lenet.prototxt",
                "testdata/lenet_mnist/lenet_iter_10000.caffemodel", "--threads", "0");
        assertEquals(2, zero.code());
        assertTrue(zero.err().startsWith("error: --threads must be 1 to 256"), zero.err());
        CliTest.Result shape = CliTest.run("summary", "testdata/lenet_mnist/lenet.prototxt", "--input-shape", "1,0,28,28");
        assertEquals(2, shape.code());
        assertTrue(shape.err().contains("--input-shape '1,0,28,28': dimension 0 must be at least 1"), shape.err());
    }

    @Test
    void anUnnamedInputShapeAppliesToTheFirstInputWhateverItsName() throws Exception {
        String lenet = Files.readString(Path.of("testdata/lenet_mnist/lenet.prototxt"))
                .replace("top: \"data\"", "top: \"pixels\"").replace("bottom: \"data\"", "bottom: \"pixels\"");
        Path net = Files.writeString(dir.resolve("lenet_pixels.prototxt"), lenet);
        CliTest.Result r = CliTest.run("summary", net.toString(), "--input-shape", "3,1,28,28");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("inputs: pixels 3x1x28x28"), r.out());
    }

    @Test
    void runTakesTheInputSizeFromTheArrayWhenTheDataLayerHasNoCropSize() throws Exception {
        Path golden = Path.of("testdata/golden/cifar10_quick");
        Npy.Array data = Npy.read(golden.resolve("data.npy"));
        Path out = dir.resolve("out");
        CliTest.Result r = CliTest.run("run", CIFAR_TRAIN_TEST, CIFAR_WEIGHTS, "--input",
                golden.resolve("data.npy").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Npy.Array prob = Npy.read(out.resolve("loss.npy")); // SoftmaxWithLoss 'loss' became a Softmax
        assertEquals(data.shape()[0], prob.shape()[0]);
        // The same numbers as the deploy definition, which declares its input's size.
        Path deployOut = dir.resolve("deploy");
        CliTest.Result d = CliTest.run("run", "testdata/cifar10_quick/cifar10_quick.prototxt", CIFAR_WEIGHTS,
                "--input", golden.resolve("data.npy").toString(), "--out", deployOut.toString());
        assertEquals(0, d.code(), d.err());
        assertArrayEquals(Npy.read(deployOut.resolve("prob.npy")).data(), prob.data());
    }

    @Test
    void runTakesTheInputSizeFromTheArrayForAnInputDeclaredWithoutDimensions() throws Exception {
        String lenet = Files.readString(Path.of("testdata/lenet_mnist/lenet.prototxt"));
        String layer = "layer {\n  name: \"data\"\n  type: \"Input\"\n  top: \"data\"\n"
                + "  input_param { shape: { dim: 64 dim: 1 dim: 28 dim: 28 } }\n}\n";
        assertTrue(lenet.contains(layer));
        Path net = Files.writeString(dir.resolve("lenet_legacy_input.prototxt"), lenet.replace(layer, "input: \"data\"\n"));
        Path input = Path.of("testdata/golden/lenet_mnist/data.npy");
        CliTest.Result r = CliTest.run("run", net.toString(), "testdata/lenet_mnist/lenet_iter_10000.caffemodel",
                "--input", input.toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, r.code(), r.err());
        CliTest.Result ref = CliTest.run("run", "testdata/lenet_mnist/lenet.prototxt",
                "testdata/lenet_mnist/lenet_iter_10000.caffemodel", "--input", input.toString(), "--out",
                dir.resolve("ref").toString());
        assertEquals(0, ref.code(), ref.err());
        assertArrayEquals(Npy.read(dir.resolve("ref/prob.npy")).data(), Npy.read(dir.resolve("out/prob.npy")).data());
        CliTest.Result verify = CliTest.run("verify", net.toString(), "testdata/lenet_mnist/lenet_iter_10000.caffemodel",
                "--golden", "testdata/golden/lenet_mnist");
        assertEquals(0, verify.code(), verify.out() + verify.err());
        CliTest.Result noShape = CliTest.run("summary", net.toString());
        assertEquals(2, noShape.code());
        assertTrue(noShape.err().contains("layer 'input' (Input): input 'data' has no shape in the definition"),
                noShape.err());
    }

    @Test
    void anInputGivenTwiceOrForNoSuchBlobIsRefused() {
        String input = "testdata/golden/lenet_mnist/data.npy";
        CliTest.Result twice = CliTest.run("run", "testdata/lenet_mnist/lenet.prototxt",
                "testdata/lenet_mnist/lenet_iter_10000.caffemodel", "--input", input, "--input", input, "--out",
                dir.resolve("o").toString());
        assertEquals(2, twice.code());
        assertTrue(twice.err().contains("given twice"), twice.err());
        CliTest.Result noSuch = CliTest.run("run", "testdata/lenet_mnist/lenet.prototxt",
                "testdata/lenet_mnist/lenet_iter_10000.caffemodel", "--input", "image=" + input,
                "--input-shape", "data=1,1,28,28", "--out", dir.resolve("o").toString());
        assertEquals(2, noSuch.code());
        assertTrue(noSuch.err().contains("the net has no input 'image'"), noSuch.err());
        assertFalse(noSuch.err().contains("\tat "), noSuch.err());
    }

    @Test
    void outOfMemoryIsOneLineNamingTheHeap() {
        String line = Main.describe(new OutOfMemoryError("Java heap space"));
        assertTrue(line.startsWith("out of memory (Java heap space; the heap allows "), line);
        assertTrue(line.endsWith("MB); raise it with CAFFE4J_JAVA_OPTS=-Xmx..."), line);
        assertEquals(1, List.of(line.split("\n")).size());
    }

    @Test
    void versionComesFromThePom() throws Exception {
        CliTest.Result r = CliTest.run("--version");
        assertEquals(0, r.code(), r.err());
        String pom = Files.readString(Path.of("pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "<artifactId>caffe4j-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find());
        assertEquals("caffe4j " + m.group(1), r.out().strip());
    }

    private static final String FORK_POOL_NET = """
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 6 dim: 6 } } }
            layer { name: "pool" type: "Pooling" bottom: "data" top: "pool"
                    pooling_param { pool: MAX kernel_size: 3 stride: 2 %s } }
            """;

    @Test
    void theForksCeilModeIsHonouredNotDropped() throws Exception {
        // 6 wide, window 3, stride 2: ceil gives 3 columns, floor 2 (DenseNet's ceil_mode: false).
        Path floor = Files.writeString(dir.resolve("floor.prototxt"), FORK_POOL_NET.formatted("ceil_mode: false"));
        CliTest.Result r = CliTest.run("summary", floor.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("outputs: pool 1x1x2x2"), r.out());
        Path ceil = Files.writeString(dir.resolve("ceil.prototxt"), FORK_POOL_NET.formatted("ceil_mode: true"));
        assertTrue(CliTest.run("summary", ceil.toString()).out().contains("outputs: pool 1x1x3x3"));
        Path both = Files.writeString(dir.resolve("both.prototxt"),
                FORK_POOL_NET.formatted("ceil_mode: true round_mode: FLOOR"));
        CliTest.Result contradiction = CliTest.run("summary", both.toString());
        assertEquals(2, contradiction.code());
        assertTrue(contradiction.err().contains("layer 'pool' (Pooling): pooling_param.ceil_mode = true contradicts "
                + "round_mode = FLOOR"), contradiction.err());
    }

    @Test
    void ignoredUnknownFieldsAreEachNamedOnStderr() throws Exception {
        Path net = Files.writeString(dir.resolve("fork.prototxt"),
                FORK_POOL_NET.formatted("ceil_mode: false pad_policy: 1 resize_lazily: true"));
        Path x = dir.resolve("x.npy");
        Npy.write(x, new int[] {1, 1, 6, 6}, new float[36]);
        CliTest.Result strict = CliTest.run("run", net.toString(), "testdata/lenet_mnist/lenet_iter_10000.caffemodel",
                "--input", x.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, strict.code());
        assertTrue(strict.err().contains("PoolingParameter.pad_policy (line 3"), strict.err());
        CliTest.Result lenient = CliTest.run("run", net.toString(), "testdata/lenet_mnist/lenet_iter_10000.caffemodel",
                "--input", x.toString(), "--out", dir.resolve("o").toString(), "--ignore-unknown-fields");
        assertEquals(0, lenient.code(), lenient.err());
        List<String> warnings = lenient.err().lines().toList();
        assertEquals(2, warnings.size(), lenient.err());
        assertTrue(warnings.get(0).startsWith("warning: " + net + ": ignored unknown field PoolingParameter.pad_policy"),
                lenient.err());
        assertTrue(warnings.get(1).contains("ignored unknown field PoolingParameter.resize_lazily"), lenient.err());
        assertArrayEquals(new int[] {1, 1, 2, 2}, Npy.read(dir.resolve("o/pool.npy")).shape());
    }
}
