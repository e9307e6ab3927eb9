package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Random;

class SplitOpTest extends OpTestBase {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void everyTopIsACopyOfTheBottom(long seed) {
        Random rnd = new Random(seed);
        Tensor x = random(rnd, randomShape(rnd));
        int tops = 1 + rnd.nextInt(4);
        StringBuilder names = new StringBuilder();
        for (int t = 0; t < tops; t++) {
            names.append(t == 0 ? "" : " ").append("y").append(t);
        }
        Map<String, Tensor> out = run(layer("Split", "x0", names.toString(), ""), x);
        double[] expected = new double[x.data().length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = x.data()[i];
        }
        for (int t = 0; t < tops; t++) {
            assertTensor(Tolerance.EXACT, x.shape(), expected, out.get("y" + t));
        }
    }

    @Test
    void topsFeedingLaterLayersStayIndependent() {
        // Split into two branches, one changed in place by a later layer: the other must keep the original values.
        Random rnd = new Random(3);
        Tensor x = random(rnd, 2, 3, 4);
        String net = layer("Split", "x0", "a b", "") + "layer { name: \"neg\" type: \"Power\" bottom: \"a\" top: \"a\" "
                + "power_param { scale: -1 } }\n";
        Map<String, Tensor> out = run(net, x);
        double[] same = new double[x.data().length], negated = new double[x.data().length];
        for (int i = 0; i < same.length; i++) {
            same[i] = x.data()[i];
            negated[i] = -x.data()[i];
        }
        assertTensor(Tolerance.EXACT, x.shape(), same, out.get("b"));
        assertTensor(Tolerance.EXACT, x.shape(), negated, out.get("a"));
    }

    @Test
    void rejectsTwoBottoms() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Split", "bottom", layer("Split", "x0 x1", "a b", ""), x, x);
    }
}
