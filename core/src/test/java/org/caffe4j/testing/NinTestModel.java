package org.caffe4j.testing;

import org.caffe4j.io.NetReader;
import org.caffe4j.files.Npy;
import org.caffe4j.proto.Caffe;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Builds a deterministic NIN ImageNet caffemodel in the 2014 V1 format for the ORIGINAL train_val definition.
 *
 * <p>22 of the 24 parameter blobs are the real trained ones ({@code testdata/nin_imagenet/weights-npy}); the two
 * that were never published in a small enough form, conv4-1024's and cccp7-1024's weights, are drawn from
 * {@link Random#nextGaussian()} with fixed seeds (bit-exactly specified by the JDK) at He scale
 * {@code sqrt(2 / fan_in)}, which keeps the ReLU activations after them in a sane range. The file is what a 2014
 * Caffe would have written: {@code NetParameter.layers} (V1LayerParameter with enum types) for the TRAIN net,
 * blob dims in the legacy num/channels/height/width form, weights (O,I,H,W) and biases (1,1,1,N).
 *
 * <p>The golden set {@code testdata/golden/nin_imagenet_cat/meta.json} records this file's SHA-256; tests compare
 * it against {@link #cachedCaffemodel()} before using any golden value, so a change here cannot go unnoticed.
 */
public final class NinTestModel {
    public static final Path TESTDATA = Path.of("testdata", "nin_imagenet");
    public static final Path TRAIN_VAL = TESTDATA.resolve("train_val.prototxt");
    static final long CONV4_SEED = 20140416L;
    static final long CCCP7_SEED = 20140417L;

    private static Path cached;

    private NinTestModel() {
    }

    /** Writes the caffemodel: {@code NinTestModel OUT.caffemodel [TESTDATA_DIR]}. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: NinTestModel OUT.caffemodel [testdata/nin_imagenet]");
            System.exit(2);
        }
        Path dir = args.length == 2 ? Path.of(args[1]) : TESTDATA;
        Path out = Path.of(args[0]);
        write(dir, out);
        System.out.println(out + " sha256 " + sha256(out));
    }

    /**
     * The caffemodel built from {@code testdata/nin_imagenet}, written once per JVM under {@code target/} (rebuilt
     * rather than trusted from an earlier run, so that an edit to this class always shows up as a hash change).
     */
    public static synchronized Path cachedCaffemodel() throws IOException {
        if (cached == null) {
            Path dir = Path.of("target", "nin-test-model");
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "nin", ".tmp");
            write(TESTDATA, tmp);
            Path target = dir.resolve("nin_imagenet_test.caffemodel");
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            cached = target;
        }
        return cached;
    }

    public static void write(Path testdataDir, Path out) throws IOException {
        Caffe.NetParameter net = build(testdataDir);
        try (OutputStream os = Files.newOutputStream(out)) {
            net.writeTo(os);
        }
    }

    static Caffe.NetParameter build(Path testdataDir) throws IOException {
        // Through the library's reader, not protobuf's API: the cli module's tests use this class against the
        // packaged core jar, whose protobuf is relocated.
        Caffe.NetParameter.Builder def = NetReader.readPrototxt(testdataDir.resolve("train_val.prototxt")).toBuilder();
        if (def.getLayersCount() == 0) {
            throw new IllegalStateException("expected the V1 NIN train_val with 'layers'");
        }
        Caffe.NetParameter.Builder model = Caffe.NetParameter.newBuilder().setName(def.getName());
        Path npy = testdataDir.resolve("weights-npy");
        for (Caffe.V1LayerParameter layer : def.getLayersList()) {
            if (isTestOnly(layer)) {
                continue; // Caffe saves the TRAIN net: the TEST data layer and accuracy are not in the file.
            }
            Caffe.V1LayerParameter.Builder b = layer.toBuilder().clearBlobs();
            if (layer.getType() == Caffe.V1LayerParameter.LayerType.CONVOLUTION) {
                String name = layer.getName();
                int numOutput = layer.getConvolutionParam().getNumOutput();
                b.addBlobs(weights(npy, name));
                Npy.Array bias = Npy.read(npy.resolve(name + "_1.npy"));
                if (bias.data().length != numOutput) {
                    throw new IllegalStateException(name + " bias has " + bias.data().length + " values, expected "
                            + numOutput);
                }
                b.addBlobs(legacyBlob(1, 1, 1, numOutput, bias.data()));
            }
            model.addLayers(b);
        }
        return model.build();
    }

    private static Caffe.BlobProto weights(Path npy, String layer) throws IOException {
        Path file = npy.resolve(layer + "_0.npy");
        if (layer.equals("conv4-1024")) {
            return legacyBlob(1024, 384, 3, 3, gaussian(CONV4_SEED, 1024 * 384 * 3 * 3, 384 * 3 * 3));
        }
        if (layer.equals("cccp7-1024")) {
            return legacyBlob(1024, 1024, 1, 1, gaussian(CCCP7_SEED, 1024 * 1024, 1024));
        }
        Npy.Array w = Npy.read(file);
        int[] s = w.shape();
        if (s.length != 4) {
            throw new IllegalStateException(file + ": expected OIHW weights, got " + w);
        }
        return legacyBlob(s[0], s[1], s[2], s[3], w.data());
    }

    /** He-scaled N(0, 2/fanIn) weights from one seeded generator, in C order. */
    static float[] gaussian(long seed, int count, int fanIn) {
        Random random = new Random(seed);
        double std = Math.sqrt(2.0 / fanIn);
        float[] w = new float[count];
        for (int i = 0; i < count; i++) {
            w[i] = (float) (random.nextGaussian() * std);
        }
        return w;
    }

    private static Caffe.BlobProto legacyBlob(int num, int channels, int height, int width, float[] data) {
        if ((long) num * channels * height * width != data.length) {
            throw new IllegalStateException("blob " + num + "x" + channels + "x" + height + "x" + width + " vs "
                    + data.length + " values");
        }
        Caffe.BlobProto.Builder b = Caffe.BlobProto.newBuilder()
                .setNum(num).setChannels(channels).setHeight(height).setWidth(width);
        for (float v : data) {
            b.addData(v);
        }
        return b.build();
    }

    private static boolean isTestOnly(Caffe.V1LayerParameter layer) {
        return layer.getIncludeCount() > 0 && layer.getIncludeList().stream()
                .allMatch(rule -> rule.hasPhase() && rule.getPhase() == Caffe.Phase.TEST);
    }

    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
