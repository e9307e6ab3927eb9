package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class CropOpTest extends OpTestBase {
    static double[] crop(Tensor x, int[] offsets, int[] outShape) {
        int[] os = ConcatOpTest.strides(outShape), is = ConcatOpTest.strides(x.shape());
        double[] out = new double[(int) count(outShape)];
        for (int i = 0; i < out.length; i++) {
            int flat = 0;
            for (int a = 0; a < outShape.length; a++) {
                flat += (i / os[a] % outShape[a] + offsets[a]) * is[a];
            }
            out[i] = x.data()[flat];
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void cropsToSecondBottomFromAxis(long seed) {
        Random rnd = new Random(seed);
        int rank = 2 + rnd.nextInt(3);
        int axis = rnd.nextInt(rank);
        int[] big = new int[rank], ref = new int[rank], offsets = new int[rank];
        boolean oneOffset = seed % 3 == 0, noOffset = seed % 4 == 1;
        int shared = rnd.nextInt(3);
        for (int a = 0; a < rank; a++) {
            big[a] = size(rnd, 3, 8);
            ref[a] = a < axis ? size(rnd, 1, 4) : size(rnd, 1, big[a] - (oneOffset ? shared : 0));
            if (a >= axis) {
                offsets[a] = noOffset ? 0 : oneOffset ? shared : rnd.nextInt(big[a] - ref[a] + 1);
            }
        }
        StringBuilder params = new StringBuilder("crop_param { axis: " + (seed % 2 == 0 ? axis : axis - rank));
        if (oneOffset && !noOffset) {
            params.append(" offset: ").append(shared);
        } else if (!noOffset) {
            for (int a = axis; a < rank; a++) {
                params.append(" offset: ").append(offsets[a]);
            }
        }
        params.append(" }");
        int[] outShape = big.clone();
        for (int a = axis; a < rank; a++) {
            outShape[a] = ref[a];
        }
        Tensor x = random(rnd, big), r = random(rnd, ref);
        Tensor y = runOne(layer("Crop", "x0 x1", "y", params.toString()), x, r);
        assertTensor(Tolerance.EXACT, outShape, crop(x, offsets, outShape), y);
    }

    @Test
    void defaultAxisIsTwo() {
        Random rnd = new Random(9);
        Tensor x = random(rnd, 2, 3, 7, 6), r = random(rnd, 1, 1, 4, 3);
        Tensor y = runOne(layer("Crop", "x0 x1", "y", "crop_param { offset: 1 offset: 2 }"), x, r);
        assertTensor(Tolerance.EXACT, new int[]{2, 3, 4, 3}, crop(x, new int[]{0, 0, 1, 2}, new int[]{2, 3, 4, 3}), y);
    }

    @Test
    void rejectsCropPastTheEdge() {
        Random rnd = new Random(1);
        assertRejected(ShapeException.class, "Crop", "crop_param.offset",
                layer("Crop", "x0 x1", "y", "crop_param { offset: 3 }"), random(rnd, 1, 2, 5, 5), random(rnd, 1, 2, 3, 3));
    }

    @Test
    void rejectsWrongOffsetCount() {
        Random rnd = new Random(1);
        assertRejected(ShapeException.class, "Crop", "crop_param.offset",
                layer("Crop", "x0 x1", "y", "crop_param { offset: 0 offset: 0 offset: 0 }"), random(rnd, 1, 2, 5, 5),
                random(rnd, 1, 2, 3, 3));
    }

    @Test
    void rejectsOneBottom() {
        Random rnd = new Random(1);
        assertRejected(ShapeException.class, "Crop", "bottom", layer("Crop", "x0", "y", ""), random(rnd, 1, 2, 5, 5));
    }

    @Test
    void batchFollowsTheInput() {
        Random rnd = new Random(5);
        assertBatchFollowsInput(layer("Crop", "x0 x1", "y", "crop_param { axis: 1 offset: 1 }"), java.util.List.of(),
                random(rnd, 3, 4, 6, 5), random(rnd, 3, 2, 3, 3));
    }
}
