package org.caffe4j.kernels.pool;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The fast pooling kernels against {@link Pool2dReference}: bit-identical on every shape. */
class Pool2dDirectTest {
    static Stream<Arguments> shapes() {
        // planes, h, w, kh, kw, sh, sw, ph, pw, ceil
        return Stream.of(
                Arguments.of(5, 54, 54, 3, 3, 2, 2, 0, 0, true),    // NIN pool0
                Arguments.of(3, 13, 13, 3, 3, 2, 2, 0, 0, true),    // NIN pool3 (ceil adds a clipped column)
                Arguments.of(4, 6, 6, 6, 6, 1, 1, 0, 0, true),      // global average 6x6
                Arguments.of(2, 7, 9, 3, 2, 2, 3, 1, 1, true),      // padding, last window clipped by Caffe's rule
                Arguments.of(2, 8, 8, 2, 2, 2, 2, 1, 1, false),     // floor rounding with padding
                Arguments.of(3, 5, 11, 4, 3, 1, 2, 2, 1, true),     // rectangular, windows past both edges
                Arguments.of(1, 1, 1, 1, 1, 1, 1, 0, 0, true),
                Arguments.of(2, 3, 4, 3, 4, 1, 1, 0, 0, true),      // window = plane
                Arguments.of(6, 17, 15, 5, 5, 3, 3, 2, 2, true));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void maxMatchesReference(int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil) {
        check(true, planes, h, w, kh, kw, sh, sw, ph, pw, ceil);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void averageMatchesReference(int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                 boolean ceil) {
        check(false, planes, h, w, kh, kw, sh, sw, ph, pw, ceil);
    }

    @Test
    void maxIgnoresNanLikeCaffe() {
        float[] in = {Float.NaN, 1, 2, Float.NaN};
        float[] out = new float[1];
        Pool2dDirect.max(in, 0, out, 0, 1, 2, 2, 1, 1, 2, 2, 1, 1, 0, 0);
        Tolerance.EXACT.assertClose(new float[] {2}, out);
    }

    private static void check(boolean max, int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                              boolean ceil) {
        int oh = Pool2dReference.outputSize(h, kh, ph, sh, ceil);
        int ow = Pool2dReference.outputSize(w, kw, pw, sw, ceil);
        Random rnd = new Random(planes * 31L + h * 7L + w + kh);
        float[] in = new float[2 + planes * h * w];
        for (int i = 0; i < in.length; i++) {
            in[i] = rnd.nextFloat() * 2 - 1;
        }
        float[] expected = new float[3 + planes * oh * ow];
        float[] actual = new float[3 + planes * oh * ow];
        Arrays.fill(actual, Float.NaN);
        Arrays.fill(expected, Float.NaN); // offsets 0..2 stay NaN in both: untouched
        if (max) {
            Pool2dReference.max(in, 2, expected, 3, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
            Pool2dDirect.max(in, 2, actual, 3, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
        } else {
            Pool2dReference.average(in, 2, expected, 3, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
            Pool2dDirect.average(in, 2, actual, 3, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
        }
        Tolerance.EXACT.assertClose((max ? "max " : "ave ") + planes + "x" + h + "x" + w + " k" + kh + "x" + kw
                + " s" + sh + "x" + sw + " p" + ph + "x" + pw, expected, actual);
    }
}
