package org.caffe4j.verify;

import org.caffe4j.testing.NinTestModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.caffe4j.testing.GoldenAssertions.GOLDEN;
import static org.caffe4j.testing.GoldenAssertions.assertMatchesGolden;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** NIN from the ORIGINAL 2014 V1 train_val (Data layers, V1 enums) with the deterministic NinTestModel weights. */
class NinImagenetGoldenTest {
    @Test
    void everyBlobMatchesOpenCvOnCat() throws IOException {
        Comparison c = assertMatchesGolden(NinTestModel.TRAIN_VAL, NinTestModel.cachedCaffemodel(),
                GOLDEN.resolve("nin_imagenet_cat"));
        // data, 12 convolutions (ReLUs in place), 4 poolings; conv4 is written by layer 'conv4-1024'.
        assertEquals(17, c.results().size());
        assertEquals(Boolean.TRUE, c.result("pool4").top5());
    }

    @Test
    void finalBlobsMatchOpenCvOnFishBike() throws IOException {
        Comparison c = assertMatchesGolden(NinTestModel.TRAIN_VAL, NinTestModel.cachedCaffemodel(),
                GOLDEN.resolve("nin_imagenet_fishbike"));
        assertEquals(Boolean.TRUE, c.result("pool4").top5());
    }
}
