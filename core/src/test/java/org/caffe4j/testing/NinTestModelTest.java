package org.caffe4j.testing;

import org.caffe4j.proto.Caffe;
import org.caffe4j.verify.GoldenSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NinTestModelTest {
    @Test
    void rebuiltCaffemodelIsTheOneTheGoldensWereMadeFrom() throws IOException {
        String sha = NinTestModel.sha256(NinTestModel.cachedCaffemodel());
        for (String set : new String[]{"nin_imagenet_cat", "nin_imagenet_fishbike"}) {
            GoldenSet g = GoldenSet.open(Path.of("testdata/golden", set));
            assertEquals(g.metaString("caffemodel", "sha256").orElseThrow(), sha, set);
        }
    }

    @Test
    void caffemodelIsInThe2014V1FormWithLegacyBlobDims() throws IOException {
        Caffe.NetParameter net;
        try (InputStream in = Files.newInputStream(NinTestModel.cachedCaffemodel())) {
            net = Caffe.NetParameter.parseFrom(com.google.protobuf.CodedInputStream.newInstance(in));
        }
        assertEquals(0, net.getLayerCount());
        int convs = 0;
        for (Caffe.V1LayerParameter l : net.getLayersList()) {
            if (l.getType() != Caffe.V1LayerParameter.LayerType.CONVOLUTION) {
                assertEquals(0, l.getBlobsCount(), l.getName());
                continue;
            }
            convs++;
            Caffe.BlobProto w = l.getBlobs(0);
            Caffe.BlobProto b = l.getBlobs(1);
            assertFalse(w.hasShape() || b.hasShape(), l.getName() + " must use num/channels/height/width");
            assertEquals(l.getConvolutionParam().getNumOutput(), w.getNum());
            assertEquals((long) w.getNum() * w.getChannels() * w.getHeight() * w.getWidth(), w.getDataCount());
            assertEquals(1, b.getNum());
            assertEquals(1, b.getChannels());
            assertEquals(1, b.getHeight());
            assertEquals(w.getNum(), b.getWidth());
        }
        assertEquals(12, convs);
        assertTrue(net.getLayersList().stream().noneMatch(l -> l.getType() == Caffe.V1LayerParameter.LayerType.ACCURACY),
                "Caffe saves the TRAIN net");
    }

    @Test
    void seededWeightsAreHeScaled() {
        float[] w = NinTestModel.gaussian(NinTestModel.CONV4_SEED, 1024 * 384 * 9, 384 * 9);
        double sumSq = 0;
        for (float v : w) {
            sumSq += v * v;
        }
        assertEquals(2.0 / (384 * 9), sumSq / w.length, 0.01 * 2.0 / (384 * 9));
    }
}
