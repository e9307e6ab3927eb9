package org.caffe4j.ir;

import org.caffe4j.CaffeModelException;
import org.caffe4j.MalformedModelException;
import org.caffe4j.ShapeException;
import org.caffe4j.ir.InvalidShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.proto.Caffe;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad model input is rejected with a message naming the file, the layer and the field. */
class ImporterBadInputTest {
    @TempDir
    Path dir;

    private static final String INPUT = """
            layer { name: "in" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } } }
            """;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private <T extends Throwable> T fails(Class<T> type, String net, String... mustContain) throws Exception {
        Path p = write("net.prototxt", net);
        T e = assertThrows(type, () -> ModelFiles.importModel(p, null, LoadOptions.defaults()));
        for (String s : mustContain) {
            assertTrue(e.getMessage().contains(s), "message lacks '" + s + "': " + e.getMessage());
        }
        assertTrue(e.getMessage().contains("net.prototxt"), "message lacks the file: " + e.getMessage());
        return e;
    }

    @Test
    void unknownLayerTypesAreAllListedInOneMessage() throws Exception {
        fails(UnsupportedLayerException.class, INPUT + """
                layer { name: "a" type: "Frobnicate" bottom: "data" top: "a" }
                layer { name: "b" type: "ReLU" bottom: "a" top: "b" }
                layer { name: "c" type: "Python" bottom: "b" top: "c" }
                """, "'a' (Frobnicate)", "'c' (Python)", "supported types: ", "Convolution");
    }

    @Test
    void missingBottom() throws Exception {
        fails(MalformedModelException.class, INPUT + """
                layer { name: "r" type: "ReLU" bottom: "nope" top: "r" }
                """, "layer 'r' (ReLU)", "bottom[0] 'nope'");
    }

    @Test
    void cycleIsAnUnknownBottomAtTheFirstLayerOfTheCycle() throws Exception {
        fails(MalformedModelException.class, INPUT + """
                layer { name: "a" type: "ReLU" bottom: "b" top: "a" }
                layer { name: "b" type: "ReLU" bottom: "a" top: "b" }
                """, "layer 'a' (ReLU)", "bottom[0] 'b'", "cycle");
    }

    @Test
    void duplicateTopThatIsNotInPlace() throws Exception {
        fails(MalformedModelException.class, INPUT + """
                layer { name: "a" type: "ReLU" bottom: "data" top: "x" }
                layer { name: "b" type: "ReLU" bottom: "data" top: "x" }
                """, "layer 'b' (ReLU)", "top[0] 'x'", "layer 'a'");
    }

    @Test
    void zeroKernelAndNegativeStride() throws Exception {
        fails(ShapeException.class, INPUT + """
                layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 0 } }
                """, "layer 'c' (Convolution)", "convolution_param.kernel_size");
        fails(ShapeException.class, INPUT + """
                layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { kernel_size: 2 stride: 0 } }
                """, "layer 'p' (Pooling)", "pooling_param.stride");
        // stride is unsigned in Caffe's schema: the text parser itself refuses -1, at its line and column.
        fails(MalformedModelException.class, INPUT + """
                layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 3 stride: -1 } }
                """, "net.prototxt:2:", "Number must be positive: -1");
    }

    @Test
    void windowLargerThanThePaddedInput() throws Exception {
        fails(ShapeException.class, INPUT + """
                layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { kernel_size: 11 pad: 1 } }
                """, "layer 'p' (Pooling)", "pooling_param.kernel_size", "10x10");
        fails(ShapeException.class, INPUT + """
                layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 9 } }
                """, "layer 'c' (Convolution)", "convolution_param.kernel_size");
    }

    @Test
    void unsupportedParameterValue() throws Exception {
        fails(UnsupportedLayerException.class, INPUT + """
                layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { pool: STOCHASTIC kernel_size: 2 } }
                """, "layer 'p' (Pooling)", "pooling_param.pool", "STOCHASTIC");
        fails(UnsupportedLayerException.class, INPUT + """
                layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 1 kernel_size: 1 kernel_size: 1 } }
                """, "layer 'c' (Convolution)", "convolution_param.kernel_size has 3 values; expected 1 or 2");
    }

    /** Window fields near 2^31 once wrapped int arithmetic: wrong shapes, kernels indexing at -1073741813, endless loops. */
    @Test
    @org.junit.jupiter.api.Timeout(30)
    void windowFieldsWhoseArithmeticOverflowsIntAreRefusedAtLoad() throws Exception {
        String max = "2147483647";
        String[][] cases = {
                {"Convolution", "convolution_param { num_output: 1 kernel_size: 3 pad: " + max + " }", "convolution_param.pad"},
                {"Convolution", "convolution_param { num_output: 1 kernel_size: 3 stride: " + max + " }", "convolution_param.stride"},
                {"Convolution", "convolution_param { num_output: 1 kernel_size: 3 dilation: " + max + " }", "convolution_param.dilation"},
                {"Convolution", "convolution_param { num_output: 1 kernel_size: " + max + " }", "convolution_param.kernel_size"},
                {"Convolution", "convolution_param { num_output: 1 kernel_h: 1 kernel_w: 1 stride_h: 1 stride_w: " + max + " }",
                        "convolution_param.stride"},
                {"Convolution", "convolution_param { num_output: 1 kernel_size: 1 pad_h: 0 pad_w: 1073741824 }", "convolution_param.pad"},
                {"Pooling", "pooling_param { pool: MAX kernel_h: 2 kernel_w: 2 stride_h: 1 stride_w: " + max + " }", "pooling_param.stride"},
                {"Pooling", "pooling_param { pool: AVE kernel_size: 2 stride: " + max + " }", "pooling_param.stride"},
                {"Pooling", "pooling_param { pool: MAX kernel_size: " + max + " pad: 1073741823 }", "pooling_param."},
                {"Deconvolution", "convolution_param { num_output: 1 kernel_size: 3 stride: 1073741823 }", "layer 'w' (Deconvolution)"},
                {"Deconvolution", "convolution_param { num_output: 1 kernel_size: 1073741824 pad: 536870911 }", "convolution_param."},
        };
        for (String[] c : cases) {
            fails(ShapeException.class, INPUT + "layer { name: \"w\" type: \"" + c[0] + "\" bottom: \"data\" top: \"w\" "
                    + c[1] + " }\n", "layer 'w' (" + c[0] + ")", c[2]);
        }
    }

    @Test
    void averagePoolWindowOfMoreThanIntElementsIsRefused() throws Exception {
        fails(ShapeException.class, INPUT + """
                layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { pool: AVE kernel_size: 50000 pad: 49999 } }
                """, "layer 'p' (Pooling)", "pooling_param.kernel_size", "50000x50000");
    }

    @Test
    void outputsAndWeightsBeyondOneJavaArrayAreRefused() throws Exception {
        fails(ShapeException.class, INPUT + """
                layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" inner_product_param { num_output: 2147483647 } }
                """, "layer 'ip' (InnerProduct)", "top[0]", "more than the 2147483639 one Java array can hold");
        fails(ShapeException.class, INPUT + """
                layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2147483647 kernel_size: 8 } }
                """, "layer 'c' (Convolution)", "convolution_param.kernel_size", "Java array");
    }

    @Test
    void shapeCountsNeverWrap() {
        var e = assertThrows(InvalidShapeException.class, () -> Shape.of(2147483647, 2147483647, 2147483647));
        assertTrue(e.getMessage().contains("more elements than a long can count"), e.getMessage());
        Shape empty = Shape.of(0, 2147483647, 2147483647);
        assertEquals(0, empty.count());
        assertEquals(2147483647L * 2147483647L, empty.count(1, 3));
        assertThrows(InvalidShapeException.class, () -> Shape.of(65536, 65536).requireAllocatable("blob"));
    }

    @Test
    void hugeOrOverflowingInputShapeIsRefusedBeforeAllocating() throws Exception {
        fails(ShapeException.class, """
                layer { name: "in" type: "Input" top: "data" input_param { shape { dim: 100000 dim: 100000 dim: 100000 dim: 100000 } } }
                """, "layer 'in' (Input)", "input_param.shape[0]");
        fails(ShapeException.class, """
                layer { name: "in" type: "Input" top: "data" input_param { shape { dim: 1 dim: -3 } } }
                """, "layer 'in' (Input)", "input_param.shape[0]");
    }

    @Test
    void syntaxErrorNamesLineAndColumn() throws Exception {
        fails(MalformedModelException.class, INPUT + "layer { name: \"x\" type: \"ReLU\" bottom: data }\n",
                "net.prototxt:2:", "syntax error");
    }

    @Test
    void emptyFiles() throws Exception {
        Path net = write("empty.prototxt", "");
        var e = assertThrows(MalformedModelException.class, () -> ModelFiles.importModel(net, null, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("empty.prototxt: file is empty"), e.getMessage());
        Path weights = write("empty.caffemodel", "");
        var e2 = assertThrows(MalformedModelException.class, () -> ModelFiles.importModel(
                Path.of("testdata/lenet_mnist/lenet.prototxt"), weights, LoadOptions.defaults()));
        assertTrue(e2.getMessage().contains("empty.caffemodel: file is empty"), e2.getMessage());
    }

    @Test
    void wrongBlobCountAndSize() throws Exception {
        Path net = write("net.prototxt", INPUT + """
                layer { name: "conv" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 3 } }
                """);
        Caffe.BlobProto w = blob(2 * 3 * 3 * 3, 2, 3, 3, 3);
        Caffe.BlobProto b = blob(2, 2);
        Path oneBlob = model("one.caffemodel", "conv", w);
        var e = assertThrows(MalformedModelException.class, () -> ModelFiles.importModel(net, oneBlob, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("layer 'conv' (Convolution): blobs: has 1 blob(s); expected 2"), e.getMessage());
        Path badShape = model("shape.caffemodel", "conv", blob(2 * 3 * 5 * 5, 2, 3, 5, 5), b);
        var e2 = assertThrows(ShapeException.class, () -> ModelFiles.importModel(net, badShape, LoadOptions.defaults()));
        assertTrue(e2.getMessage().contains("layer 'conv' (Convolution): blobs[0] has shape 2x3x5x5; expected 2x3x3x3"),
                e2.getMessage());
        // A header claiming more values than the blob holds is caught from the counts, not by allocating.
        Path lying = model("lying.caffemodel", "conv", blob(3, 1_000_000, 1_000_000, 1_000, 1_000), b);
        var e3 = assertThrows(MalformedModelException.class, () -> ModelFiles.importModel(net, lying, LoadOptions.defaults()));
        assertTrue(e3.getMessage().contains("layer 'conv' blobs[0]") && e3.getMessage().contains("holds 3"), e3.getMessage());
        Path none = model("none.caffemodel", "other", w, b);
        var e4 = assertThrows(MalformedModelException.class, () -> ModelFiles.importModel(net, none, LoadOptions.defaults()));
        assertTrue(e4.getMessage().contains("layer 'conv' (Convolution): blobs:") && e4.getMessage().contains("no layer of this name"),
                e4.getMessage());
    }

    @Test
    void truncatedCaffemodelNamesFileAndOffset() throws Exception {
        byte[] real = Files.readAllBytes(Path.of("testdata/lenet_mnist/lenet_iter_10000.caffemodel"));
        Path cut = dir.resolve("cut.caffemodel");
        Files.write(cut, java.util.Arrays.copyOf(real, real.length / 2));
        var e = assertThrows(MalformedModelException.class, () -> ModelFiles.importModel(
                Path.of("testdata/lenet_mnist/lenet.prototxt"), cut, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("cut.caffemodel") && e.getMessage().contains("byte offset"), e.getMessage());
    }

    /**
     * The caffemodel is parsed from a stream: length prefixes claiming ~2 GB of floats or bytes in a 40-byte file
     * must fail as truncated without allocating what they claim (this thread's allocations are counted).
     */
    @Test
    @Timeout(30)
    void lyingLengthPrefixesFailAsTruncatedWithoutAllocatingTheirClaims() throws Exception {
        byte[] name = "ip".getBytes(StandardCharsets.US_ASCII);
        for (int field : new int[]{5 /* packed float data */, 13 /* raw_data bytes */}) {
            java.io.ByteArrayOutputStream blob = new java.io.ByteArrayOutputStream();
            var out = com.google.protobuf.CodedOutputStream.newInstance(blob);
            out.writeTag(field, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(Integer.MAX_VALUE - 64);
            out.writeRawBytes(new byte[16]);
            out.flush();
            java.io.ByteArrayOutputStream layer = new java.io.ByteArrayOutputStream();
            var lo = com.google.protobuf.CodedOutputStream.newInstance(layer);
            lo.writeByteArray(1, name);
            lo.writeTag(7, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            lo.writeUInt32NoTag(Integer.MAX_VALUE - 32);
            lo.writeRawBytes(blob.toByteArray());
            lo.flush();
            java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
            var fo = com.google.protobuf.CodedOutputStream.newInstance(file);
            fo.writeTag(100, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            fo.writeUInt32NoTag(Integer.MAX_VALUE - 16);
            fo.writeRawBytes(layer.toByteArray());
            fo.flush();
            Path f = Files.write(dir.resolve("liar" + field + ".caffemodel"), file.toByteArray());
            var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            var e = assertThrows(MalformedModelException.class, () -> ModelFiles.importModel(
                    Path.of("testdata/lenet_mnist/lenet.prototxt"), f, LoadOptions.defaults()));
            assertTrue(e.getMessage().startsWith(f + ": not a valid binary Caffe file near byte offset ")
                    && e.getMessage().contains("truncated"), e.getMessage());
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 64 << 20, "field " + field + ": allocated " + allocated + " bytes");
        }
    }

    /** Fuzz: bit flips and cuts give a model or a CaffeModelException, never another exception, hang or OOM. */
    @Test
    void corruptedCaffemodelsNeverEscapeAsAnythingButModelErrors() throws Exception {
        byte[] real = Files.readAllBytes(Path.of("testdata/cifar10_quick/cifar10_quick_iter_5000.caffemodel"));
        Random rnd = new Random(42);
        Path f = dir.resolve("fuzz.caffemodel");
        int truncatedRejected = 0;
        for (int i = 0; i < 60; i++) {
            boolean truncate = i % 5 == 0;
            byte[] b = real.clone();
            // Flip bits in the first 4 KiB, where the structure (tags, lengths, names, dims) lives.
            for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                b[rnd.nextInt(4096)] ^= (byte) (1 << rnd.nextInt(8));
            }
            Files.write(f, truncate ? java.util.Arrays.copyOf(b, rnd.nextInt(b.length)) : b);
            try {
                ModelFiles.importModel(Path.of("testdata/cifar10_quick/cifar10_quick.prototxt"), f, LoadOptions.defaults());
            } catch (CaffeModelException e) {
                truncatedRejected += truncate ? 1 : 0;
                assertTrue(e.getMessage().contains("fuzz.caffemodel") || e.getMessage().contains("layer '"),
                        "message names neither file nor layer: " + e.getMessage());
            }
        }
        // A flipped bit inside float data cannot be detected (caffemodels carry no checksum), but a cut file always
        // loses either structure or a layer's weights.
        assertEquals(12, truncatedRejected, "every truncated file must be rejected");
    }

    private Path model(String name, String layer, Caffe.BlobProto... blobs) throws Exception {
        Caffe.NetParameter net = Caffe.NetParameter.newBuilder().addLayer(Caffe.LayerParameter.newBuilder()
                .setName(layer).setType("Convolution").addAllBlobs(java.util.List.of(blobs))).build();
        Path p = dir.resolve(name);
        Files.write(p, net.toByteArray());
        return p;
    }

    private static Caffe.BlobProto blob(int values, long... dims) {
        Caffe.BlobProto.Builder b = Caffe.BlobProto.newBuilder();
        Caffe.BlobShape.Builder s = Caffe.BlobShape.newBuilder();
        for (long d : dims) {
            s.addDim(d);
        }
        b.setShape(s);
        for (int i = 0; i < values; i++) {
            b.addData(i * 0.01f);
        }
        return b.build();
    }

    @Test
    void theErrorTypesShareOneRoot() {
        assertEquals(CaffeModelException.class, MalformedModelException.class.getSuperclass());
    }
}
