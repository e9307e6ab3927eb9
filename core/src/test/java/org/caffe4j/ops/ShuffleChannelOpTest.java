package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

class ShuffleChannelOpTest extends OpTestBase {
    /** Output channel c takes input channel (c % group) * (C / group) + c / group. */
    static double[] shuffle(Tensor x, int group) {
        int[] s = x.shape();
        int c = s[1], plane = s[2] * s[3], columns = c / group;
        double[] y = new double[x.data().length];
        for (int n = 0; n < s[0]; n++) {
            for (int oc = 0; oc < c; oc++) {
                int ic = (oc % group) * columns + oc / group;
                for (int i = 0; i < plane; i++) {
                    y[(n * c + oc) * plane + i] = x.data()[(n * c + ic) * plane + i];
                }
            }
        }
        return y;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void transposesTheGroupRows(long seed) {
        Random rnd = new Random(seed);
        int group = size(rnd, 1, 4), columns = size(rnd, 1, 4);
        int[] shape = {size(rnd, 1, 3), group * columns, size(rnd, 1, 5), size(rnd, 1, 5)};
        Tensor x = random(rnd, shape);
        Tensor y = runOne(layer("ShuffleChannel", "x0", "y", "shuffle_channel_param { group: " + group + " }"), x);
        assertTensor(Tolerance.EXACT, shape, shuffle(x, group), y);
    }

    @Test
    void sixChannelsInThreeGroups() {
        // Rows (0 1) (2 3) (4 5) read by columns: 0 2 4 1 3 5.
        Tensor x = new Tensor(new int[]{1, 6, 1, 1}, new float[]{0, 1, 2, 3, 4, 5});
        Tensor y = runOne(layer("ShuffleChannel", "x0", "y", "shuffle_channel_param { group: 3 }"), x);
        assertTensor(Tolerance.EXACT, x.shape(), new double[]{0, 2, 4, 1, 3, 5}, y);
    }

    @Test
    void defaultGroupOneIsACopy() {
        Tensor x = random(new Random(2), 2, 5, 3, 2);
        assertTensor(Tolerance.EXACT, x.shape(), shuffle(x, 1), runOne(layer("ShuffleChannel", "x0", "y", ""), x));
    }

    @Test
    void rejectsAGroupThatDoesNotDivideTheChannels() {
        assertRejected(ShapeException.class, "ShuffleChannel", "shuffle_channel_param.group",
                layer("ShuffleChannel", "x0", "y", "shuffle_channel_param { group: 4 }"), random(new Random(1), 1, 6, 2, 2));
    }

    @Test
    void rejectsGroupZeroAndNegative() {
        Tensor x = random(new Random(1), 1, 6, 2, 2);
        assertRejected(ShapeException.class, "ShuffleChannel", "shuffle_channel_param.group",
                layer("ShuffleChannel", "x0", "y", "shuffle_channel_param { group: 0 }"), x);
        assertRejected(ShapeException.class, "ShuffleChannel", "shuffle_channel_param.group",
                layer("ShuffleChannel", "x0", "y", "shuffle_channel_param { group: 4294967295 }"), x);
    }

    @Test
    void rejectsBottomsThatAreNotFourDimensional() {
        assertRejected(ShapeException.class, "ShuffleChannel", "bottom",
                layer("ShuffleChannel", "x0", "y", "shuffle_channel_param { group: 2 }"), random(new Random(1), 2, 6));
    }

    @Test
    void batchFollowsTheInput() {
        assertBatchFollowsInput(layer("ShuffleChannel", "x0", "y", "shuffle_channel_param { group: 2 }"), List.of(),
                random(new Random(3), 3, 4, 2, 3));
    }
}
