package org.caffe4j.preprocess;

import org.caffe4j.MalformedModelException;
import org.caffe4j.files.Npy;
import org.caffe4j.proto.Caffe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mean rules, value order (raw_scale, mean, scale), batching and validation on small synthetic images. */
class PreprocessorTest {
    @TempDir
    Path dir;

    /** A grey image whose pixel (x, y) is 10·y + x, so every value tells where it came from. */
    private static BufferedImage ramp(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setSample(x, y, 0, 10 * y + x);
            }
        }
        return image;
    }

    /** A 1-channel mean image whose value at (x, y) is 1000·y + x. */
    private static Mean positionalMean(int w, int h) {
        float[] data = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                data[y * w + x] = 1000 * y + x;
            }
        }
        return Mean.image(1, h, w, data);
    }

    private static float[] run(Mean mean, BufferedImage image) {
        return new Preprocessor(PreprocessConfig.builder().grayscale().crop(2, 2).mean(mean).build()).apply(image);
    }

    @Test
    void meanTheSizeOfTheImageIsCroppedAtTheImageWindow() {
        // 4x4 image, centre crop 2x2 at (1,1): pixels 11 12 21 22, mean 1001 1002 2001 2002.
        float[] out = run(positionalMean(4, 4), ramp(4, 4));
        assertArrayEquals(new float[]{11 - 1001, 12 - 1002, 21 - 2001, 22 - 2002}, out);
    }

    @Test
    void meanTheSizeOfTheCropIsSubtractedPixelWise() {
        float[] out = run(positionalMean(2, 2), ramp(4, 4));
        assertArrayEquals(new float[]{11 - 0, 12 - 1, 21 - 1000, 22 - 1001}, out);
    }

    @Test
    void largerMeanOfAnotherSizeGivesItsCentreWindow() {
        // 6x5 mean (W x H) against a 4x4 image: centre window starts at ((6-2)/2, (5-2)/2) = (2, 1).
        float[] out = run(positionalMean(6, 5), ramp(4, 4));
        assertArrayEquals(new float[]{11 - 1002, 12 - 1003, 21 - 2002, 22 - 2003}, out);
    }

    @Test
    void smallerMeanIsReducedToChannelAverages() {
        // A 1x3 mean (values 0, 1, 2 → average 1) cannot cover a 2x2 crop.
        float[] out = run(Mean.image(1, 1, 3, new float[]{0, 1, 2}), ramp(4, 4));
        assertArrayEquals(new float[]{10, 11, 20, 21}, out);
    }

    @Test
    void oversampledCornersUseTheirOwnMeanWindowAndMirrorAfterSubtraction() {
        Preprocessor p = new Preprocessor(PreprocessConfig.builder().grayscale().crop(2, 2)
                .mean(positionalMean(3, 3)).build());
        float[] out = p.oversample(ramp(3, 3));
        assertEquals(40, out.length);
        // Crop 1 = top-right window (x 1..2, y 0..1): pixels 1 2 11 12 minus mean 1 2 1001 1002.
        assertArrayEquals(new float[]{0, 0, -990, -990}, java.util.Arrays.copyOfRange(out, 4, 8));
        // Crop 6 = top-right mirrored.
        assertArrayEquals(new float[]{0, 0, -990, -990}, java.util.Arrays.copyOfRange(out, 24, 28));
        // Crop 5 = top-left mirrored: 1-1, 0-0, 11-1001, 10-1000.
        assertArrayEquals(new float[]{0, 0, -990, -990}, java.util.Arrays.copyOfRange(out, 20, 24));
        // Mean-free check of the mirror itself.
        float[] plain = new Preprocessor(PreprocessConfig.builder().grayscale().crop(2, 2).build()).oversample(ramp(4, 4));
        assertArrayEquals(new float[]{0, 1, 10, 11}, java.util.Arrays.copyOfRange(plain, 0, 4));
        assertArrayEquals(new float[]{1, 0, 11, 10}, java.util.Arrays.copyOfRange(plain, 20, 24));
        assertArrayEquals(new float[]{11, 12, 21, 22}, java.util.Arrays.copyOfRange(plain, 16, 20), "centre");
        assertArrayEquals(new float[]{12, 11, 22, 21}, java.util.Arrays.copyOfRange(plain, 36, 40), "centre mirrored");
    }

    @Test
    void rawScaleBeforeMeanAndScaleAfter() {
        BufferedImage image = ramp(2, 1); // pixels 0 and 1
        image.getRaster().setSample(1, 0, 0, 255);
        Preprocessor p = new Preprocessor(PreprocessConfig.builder().grayscale().rawScale(1f).meanValues(0.5f)
                .scale(4f).build());
        // classify.py: [0,1] pixels · raw_scale 1 → 0 and 1; minus 0.5; times 4.
        assertArrayEquals(new float[]{-2f, 2f}, p.apply(image), 1e-6f);
    }

    @Test
    void batchIsNchwInOrder() {
        Preprocessor p = new Preprocessor(PreprocessConfig.builder().grayscale().crop(2, 2).build());
        float[] batch = p.applyBatch(List.of(ramp(4, 4), ramp(2, 2)));
        assertArrayEquals(new float[]{11, 12, 21, 22, 0, 1, 10, 11}, batch);
        assertArrayEquals(new int[]{2, 1, 2, 2}, p.inputShape(2));
    }

    @Test
    void imageSmallerThanCropWithoutResizeIsRejected() {
        Preprocessor p = new Preprocessor(PreprocessConfig.builder().grayscale().crop(5, 5).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.apply(ramp(4, 4)));
        assertTrue(e.getMessage().contains("smaller than the crop"), e.getMessage());
    }

    @Test
    void configValidatesItsFields() {
        assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.builder().channels(2).build());
        assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.builder().resize(10).crop(11).build());
        assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.builder().meanValues(1, 2).build());
        assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.builder().scale(0).build());
        assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.builder().resize(10, 0).build());
    }

    @Test
    void meanReadsBinaryProtoWithLegacyDimsAndNpy() throws IOException {
        Caffe.BlobProto.Builder blob = Caffe.BlobProto.newBuilder().setNum(1).setChannels(3).setHeight(1).setWidth(2);
        for (int i = 0; i < 6; i++) {
            blob.addData(i);
        }
        Path proto = Files.write(dir.resolve("mean.binaryproto"), blob.build().toByteArray());
        Mean fromProto = Mean.read(proto);
        assertEquals(3, fromProto.channels());
        assertArrayEquals(new float[]{0.5f, 2.5f, 4.5f}, fromProto.channelAverages());
        Path npy = dir.resolve("mean.npy");
        Npy.write(npy, new int[]{3, 1, 2}, new float[]{0, 1, 2, 3, 4, 5});
        assertArrayEquals(fromProto.values(), Mean.read(npy).values());
    }

    @Test
    void meanBlobOfTheWrongSizeIsMalformed() {
        byte[] bad = Caffe.BlobProto.newBuilder().setNum(1).setChannels(3).setHeight(2).setWidth(2).addData(1)
                .build().toByteArray();
        MalformedModelException e = assertThrows(MalformedModelException.class,
                () -> Mean.fromBinaryProto(new ByteArrayInputStream(bad), "m.binaryproto"));
        assertTrue(e.getMessage().contains("m.binaryproto") && e.getMessage().contains("12"), e.getMessage());
    }

    @Test
    void meanBlobDimsThatWouldWrapToAnIntAreRefusedNotTruncated() {
        // 2^32 + 1 used to become 1 (a silent int cast): 1x1x3, which matched the 3 values held.
        byte[] wraps = Caffe.BlobProto.newBuilder().setShape(Caffe.BlobShape.newBuilder().addDim((1L << 32) + 1)
                .addDim(1).addDim(3)).addData(1).addData(2).addData(3).build().toByteArray();
        MalformedModelException e = assertThrows(MalformedModelException.class,
                () -> Mean.fromBinaryProto(new ByteArrayInputStream(wraps), "m.binaryproto"));
        assertTrue(e.getMessage().startsWith("m.binaryproto: "), e.getMessage());
    }

    @Test
    void halfPrecisionMeanBlobsDecodeLikeHalfPrecisionWeights() throws Exception {
        byte[] half = Caffe.BlobProto.newBuilder().setShape(Caffe.BlobShape.newBuilder().addDim(1).addDim(1)
                .addDim(2)).setRawDataType(Caffe.BlobProto.RawDataType.FLOAT16)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {0, 0x3c, 0, 0x40})).build().toByteArray();
        Mean m = Mean.fromBinaryProto(new ByteArrayInputStream(half), "m.binaryproto");
        assertEquals(1, m.channels());
        assertArrayEquals(new float[] {1f, 2f}, m.values()); // 0x3c00 = 1.0, 0x4000 = 2.0
    }

    @Test
    void oneInstanceServesManyThreadsWithIdenticalResults() throws Exception {
        Preprocessor p = new Preprocessor(PreprocessConfig.builder().resize(64, 48).crop(32).meanValues(1, 2, 3).build());
        BufferedImage cat = ImageDecoder.read(Path.of("testdata/images/cat.png"));
        float[] expected = p.apply(cat);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> p.apply(cat)));
            }
            for (Future<float[]> r : results) {
                assertArrayEquals(expected, r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
