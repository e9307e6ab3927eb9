package org.caffe4j.cli;

import org.caffe4j.proto.Caffe;
import org.caffe4j.testing.NinTestModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyCommandTest {
    private static final Path CIFAR = Path.of("testdata", "cifar10_quick");
    private static final Path GOLDEN = Path.of("testdata", "golden");

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {
        /** The table row of one blob. */
        String row(String blob) {
            return out.lines().filter(l -> l.startsWith(blob + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + blob + " in\n" + out));
        }
    }

    private static Result verify(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "verify";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Main.execute(all, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    /** A copy of a V1 caffemodel with every weight of one layer's first blob scaled by 1.01. */
    private Path perturbed(Path caffemodel, String layer) throws IOException {
        Caffe.NetParameter net;
        try (InputStream in = Files.newInputStream(caffemodel)) {
            net = Caffe.NetParameter.parseFrom(in);
        }
        Caffe.NetParameter.Builder b = net.toBuilder();
        boolean found = false;
        for (Caffe.V1LayerParameter.Builder l : b.getLayersBuilderList()) {
            if (l.getName().equals(layer)) {
                Caffe.BlobProto.Builder w = l.getBlobsBuilder(0);
                for (int i = 0; i < w.getDataCount(); i++) {
                    w.setData(i, w.getData(i) * 1.01f);
                }
                found = true;
            }
        }
        assertTrue(found, "no V1 layer " + layer + " in " + caffemodel);
        Path out = tmp.resolve(layer + "-perturbed.caffemodel");
        try (OutputStream os = Files.newOutputStream(out)) {
            b.build().writeTo(os);
        }
        return out;
    }

    @Test
    void cifarPassesEveryBlobAndExitsZero() {
        Result r = verify(CIFAR.resolve("cifar10_quick.prototxt").toString(),
                CIFAR.resolve("cifar10_quick_iter_5000.caffemodel").toString(),
                "--input", GOLDEN.resolve("cifar10_quick/data.npy").toString(),
                "--golden", GOLDEN.resolve("cifar10_quick").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("10 of 10 blobs pass"), r.out());
        assertTrue(r.row("conv2").contains("pass"));
        assertTrue(!r.out().contains("first failure"), r.out());
    }

    @Test
    void perturbedCifarConv2FailsFirstAtConv2() throws IOException {
        Path bad = perturbed(CIFAR.resolve("cifar10_quick_iter_5000.caffemodel"), "conv2");
        Result r = verify(CIFAR.resolve("cifar10_quick.prototxt").toString(), bad.toString(),
                "--golden", GOLDEN.resolve("cifar10_quick").toString());
        assertEquals(VerifyCommand.EXIT_MISMATCH, r.code(), r.out() + r.err());
        for (String upstream : List.of("data", "conv1", "pool1")) {
            assertTrue(r.row(upstream).contains(" pass"), r.out());
        }
        assertTrue(r.row("conv2").contains("FAIL  <-- first failure"), r.out());
        assertTrue(r.row("prob").contains("FAIL"), "the error propagates downstream:\n" + r.out());
        assertTrue(r.out().contains("first failure: conv2"), r.out());
    }

    @Test
    void perturbedNinLayerWithRenamedTopFailsAtItsBlobInJson() throws IOException {
        // Layer 'conv4-1024' writes blob 'conv4' (and relu10 rewrites it in place): the report names the blob.
        Path bad = perturbed(NinTestModel.cachedCaffemodel(), "conv4-1024");
        Result r = verify(NinTestModel.TRAIN_VAL.toString(), bad.toString(),
                "--golden", GOLDEN.resolve("nin_imagenet_cat").toString(), "--json");
        assertEquals(VerifyCommand.EXIT_MISMATCH, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("\"first_failure\": \"conv4\""), r.out());
        assertTrue(r.out().contains("{\"name\": \"pool3\", \"status\": \"PASS\""), r.out());
        assertTrue(r.out().contains("{\"name\": \"pool4\", \"status\": \"FAIL\""), r.out());
    }

    @Test
    void looserToleranceIsReportedAndAppliedToTheRule() throws IOException {
        // 1% too-large conv2 weights change conv2 by about 1% of its magnitude: atol 0.05 accepts that.
        Path bad = perturbed(CIFAR.resolve("cifar10_quick_iter_5000.caffemodel"), "conv2");
        Result r = verify(CIFAR.resolve("cifar10_quick.prototxt").toString(), bad.toString(),
                "--golden", GOLDEN.resolve("cifar10_quick").toString(), "--atol", "0.05", "--mean-atol", "0.05");
        assertTrue(r.out().contains("atol 0.0500"), r.out());
        assertTrue(r.row("conv2").contains(" pass"), r.out());
    }

    @Test
    void missingGoldenFolderIsAnErrorNotAPass() {
        Result r = verify(CIFAR.resolve("cifar10_quick.prototxt").toString(),
                CIFAR.resolve("cifar10_quick_iter_5000.caffemodel").toString(),
                "--golden", tmp.resolve("no-such-golden").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("no-such-golden"), r.err());
    }
}
