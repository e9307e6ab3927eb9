package org.caffe4j.kernels.simd;

import org.caffe4j.kernels.layout.EvenOddSplit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Both forms of the permute split against the scalar one, on every JDK (the runtime picks the form by JDK). */
class EvenOddSplitVectorTest {
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void equalsTheScalarSplitForEveryLengthAndOffset(boolean twoVectorPermute) {
        Random rnd = new Random(7);
        float[] src = new float[300];
        for (int i = 0; i < src.length; i++) {
            src[i] = rnd.nextFloat();
        }
        EvenOddSplit vector = new EvenOddSplitVector(twoVectorPermute);
        for (int pairs = 0; pairs <= 100; pairs++) {
            for (int from : new int[]{0, 1, 7, 33}) {
                float[] expected = new float[260];
                float[] actual = new float[260];
                Arrays.fill(expected, Float.NaN);
                Arrays.fill(actual, Float.NaN);
                EvenOddSplit.SCALAR.split(src, from, pairs, expected, 3, 130);
                vector.split(src, from, pairs, actual, 3, 130);
                assertArrayEquals(expected, actual, pairs + " pairs from " + from);
            }
        }
    }
}
