package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.caffe4j.kernels.pool.Pool2dReference;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both ways the vector MAX pooling reads stride-2 windows (one two-vector permute, or two one-vector permutes and a
 * blend; the JDK decides which runs, see {@link MaxPoolVectorKernel#PERMUTE_STRIDE_TWO}) against the reference, on
 * any JDK, and strides 1 and 3:
 * window sizes 1-5, padding, widths around and below the vector length, NaN and infinities. Rows narrower than a
 * vector are read as whole vectors that run into the next row, or past the input into whatever the array holds
 * next: half the trials put +inf and NaN there, which must never win a window.
 */
class MaxPoolVectorKernelTest {
    private static final int LANES = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    /** Values a window must handle as the reference does: NaN and -inf never win, signed zeros, the lowest float. */
    private static final float[] SPECIAL = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0f, -0f,
            -Float.MAX_VALUE};

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void strideTwoWindowsMatchTheReference(boolean permute) {
        checkAgainstReference(new MaxPoolVectorKernel(permute), new Random(permute ? 5 : 6), 2);
    }

    /** Strides 1 and 3 take the plain loads and the gather; a row's last block may be stored whole there too. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void otherStridesMatchTheReference(int strideW) {
        checkAgainstReference(new MaxPoolVectorKernel(), new Random(strideW), strideW);
    }

    /**
     * Rows so wide that a plane's column maxima take several batches ({@link MaxPoolVectorKernel#BATCH_FLOATS}): the
     * rows of each batch are all computed before their windows are read, and the next batch reuses the buffer.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void planesOfSeveralRowBatchesMatchTheReference(int strideW) {
        checkAgainstReference(new MaxPoolVectorKernel(), new Random(10 + strideW), strideW, 12, 30, 40, 700, 2400);
        if (strideW == 2) {
            checkAgainstReference(new MaxPoolVectorKernel(false), new Random(20), 2, 12, 30, 40, 700, 2400);
        }
    }

    /**
     * 2x2 windows at stride 2 without padding (VGG16's pools) take their own path where no window is clipped and a
     * row has at least a vector of outputs: maps from 2 to 80 wide, odd sizes and ceil mode (which clips the last
     * window of an odd row, so the general path) included.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void twoByTwoStrideTwoWindowsMatchTheReference(boolean permute) {
        MaxPoolVectorKernel kernel = new MaxPoolVectorKernel(permute);
        Random rnd = new Random(permute ? 31 : 32);
        int wide = 0;
        for (int trial = 0; trial < 200; trial++) {
            int planes = 1 + rnd.nextInt(3);
            int h = 2 + rnd.nextInt(20);
            int w = 2 + rnd.nextInt(79);
            boolean ceil = rnd.nextBoolean();
            int oh = Pool2dReference.outputSize(h, 2, 0, 2, ceil);
            int ow = Pool2dReference.outputSize(w, 2, 0, 2, ceil);
            wide += 2 * ow <= w && ow >= 16 ? 1 : 0;
            float[] in = new float[3 + planes * h * w];
            for (int i = 0; i < in.length; i++) {
                in[i] = rnd.nextInt(10) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : rnd.nextFloat() * 2 - 1;
            }
            float[] expected = new float[2 + planes * oh * ow + 16];
            float[] actual = new float[expected.length];
            Arrays.fill(expected, 42f);
            Arrays.fill(actual, 42f);
            Pool2dReference.max(in, 3, expected, 2, planes, h, w, oh, ow, 2, 2, 2, 2, 0, 0);
            kernel.max(in, 3, actual, 2, planes, h, w, oh, ow, 2, 2, 2, 2, 0, 0);
            Tolerance.EXACT.assertClose("trial " + trial + ": " + planes + "x" + h + "x" + w + (ceil ? " ceil" : ""),
                    expected, actual);
        }
        assertTrue(wide > 40, "shapes on the 2x2 path: " + wide);
    }

    /**
     * Windows 2 or 3 wide at stride 2 ({@code strideTwoFromRows}, taken with the two-vector permute): window heights
     * 1-3 at strides 1-3, padding on either axis, ceil mode (whose last row of windows may lie below an unpadded
     * input, and whose last windows are clipped), rows of 3 columns to five vectors: fewer outputs than a vector (one
     * vector a row, stored whole only where its extra lanes land on later rows of the call; the guard cells after the
     * output catch a store past it), a few vectors, and rows too narrow for the path that take the buffer path. Half
     * the inputs end exactly at the last plane, so a vector that would read past the array goes window by window; the
     * other half are followed by +inf and NaN, which must never win.
     */
    @ParameterizedTest
    @ValueSource(ints = {41, 42})
    void strideTwoWindowsReadFromTheRowsMatchTheReference(int seed) {
        MaxPoolVectorKernel kernel = new MaxPoolVectorKernel(true);
        Random rnd = new Random(seed);
        int onPath = 0;
        int narrow = 0;
        for (int trial = 0; trial < 150; trial++) {
            int planes = 1 + rnd.nextInt(3);
            int h = 1 + rnd.nextInt(12);
            int w = 3 + rnd.nextInt(5 * LANES);
            int kh = 1 + rnd.nextInt(Math.min(3, h));
            int kw = 2 + rnd.nextInt(2);
            int ph = rnd.nextInt(kh);
            int pw = rnd.nextInt(kw);
            int sh = 1 + rnd.nextInt(3);
            boolean ceil = rnd.nextBoolean();
            int oh = Pool2dReference.outputSize(h, kh, ph, sh, ceil);
            int ow = Pool2dReference.outputSize(w, kw, pw, 2, ceil);
            boolean path = ow < LANES || MaxPoolVectorKernel.strideTwoCoverEnd(w, ow, pw) - LANES
                    >= MaxPoolVectorKernel.strideTwoFirst(pw);
            onPath += path ? 1 : 0;
            narrow += ow < LANES ? 1 : 0;
            float[] in = guardedInput(rnd, 3 + planes * h * w, trial % 2 == 0 ? 0 : 2 * LANES + 8, SPECIAL, 10);
            assertMatchesReference(kernel, in, 3, planes, h, w, oh, ow, kh, kw, sh, 2, ph, pw, "trial " + trial
                    + ": " + planes + "x" + h + "x" + w + " k" + kh + "x" + kw + " s" + sh + "x2 p" + ph + "x" + pw
                    + (ceil ? " ceil" : " floor"));
        }
        assertTrue(onPath > 120, "shapes on the stride-2 row path: " + onPath);
        assertTrue(narrow > 30, "shapes with fewer outputs a row than a vector: " + narrow);
    }

    /**
     * 3x3 windows at stride 1 with padding 1 ({@code sameThreeByThree}, over each plane as one flat run): maps from 3
     * to 30 rows and 1 to 40 columns, narrower and wider than a vector, several planes, inputs ending at the last
     * plane or followed by +inf and NaN.
     */
    @ParameterizedTest
    @ValueSource(ints = {51, 52})
    void sameSizeThreeByThreeWindowsMatchTheReference(int seed) {
        MaxPoolVectorKernel kernel = new MaxPoolVectorKernel();
        Random rnd = new Random(seed);
        int onPath = 0;
        for (int trial = 0; trial < 150; trial++) {
            int planes = 1 + rnd.nextInt(4);
            int h = 3 + rnd.nextInt(28);
            int w = 1 + rnd.nextInt(40);
            onPath += h * w >= LANES + w && (h - 2) * w >= LANES ? 1 : 0;
            float[] in = guardedInput(rnd, 3 + planes * h * w, trial % 2 == 0 ? 0 : 16, SPECIAL, 10);
            assertMatchesReference(kernel, in, 3, planes, h, w, h, w, 3, 3, 1, 1, 1, 1,
                    "trial " + trial + ": " + planes + "x" + h + "x" + w);
        }
        assertTrue(onPath > 100, "shapes on the flat 3x3 path: " + onPath);
    }

    private static void checkAgainstReference(MaxPoolVectorKernel kernel, Random rnd, int sw) {
        checkAgainstReference(kernel, rnd, sw, 150, 1, 30, 1, 60);
    }

    /**
     * Random shapes (heights minH-maxH, widths minW-maxW) against the reference, bit for bit, with guard values on
     * both sides of the call's output: a last block stored whole must never reach past the call's planes.
     */
    private static void checkAgainstReference(MaxPoolVectorKernel kernel, Random rnd, int sw, int trials, int minH,
                                              int maxH, int minW, int maxW) {
        float[] special = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0f, -0f};
        for (int trial = 0; trial < trials; trial++) {
            int planes = 1 + rnd.nextInt(4);
            int h = minH + rnd.nextInt(maxH - minH + 1);
            int w = minW + rnd.nextInt(maxW - minW + 1);
            int kh = 1 + rnd.nextInt(Math.min(5, h));
            int kw = 1 + rnd.nextInt(Math.min(5, w));
            int ph = rnd.nextInt(kh);
            int pw = rnd.nextInt(kw);
            boolean ceil = rnd.nextBoolean();
            int sh = 1 + rnd.nextInt(2);
            int oh = Pool2dReference.outputSize(h, kh, ph, sh, ceil);
            int ow = Pool2dReference.outputSize(w, kw, pw, sw, ceil);
            float[] in = guardedInput(rnd, 1 + planes * h * w, trial % 2 == 0 ? 0 : 64, special, 20);
            if (minH > 1) {
                // What this case is for: more output rows than a batch holds (a row's buffer is over pw + w floats).
                assertTrue(oh > MaxPoolVectorKernel.BATCH_FLOATS / (pw + w), "trial " + trial + " fits one batch");
            }
            assertMatchesReference(kernel, in, 1, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw, "trial " + trial
                    + ": " + planes + "x" + h + "x" + w + " k" + kh + "x" + kw + " s" + sh + "x" + sw + " p" + ph + "x"
                    + pw + (ceil ? " ceil" : " floor"));
        }
    }

    /**
     * An input of {@code inputEnd} floats (one in {@code specialOneIn} a special value, the rest in [-1, 1)) followed by
     * {@code slack} floats of +inf and NaN, which no window may read as its own.
     */
    private static float[] guardedInput(Random rnd, int inputEnd, int slack, float[] special, int specialOneIn) {
        float[] in = new float[inputEnd + slack];
        for (int i = 0; i < in.length; i++) {
            in[i] = i >= inputEnd ? (i % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NaN)
                    : rnd.nextInt(specialOneIn) == 0 ? special[rnd.nextInt(special.length)] : rnd.nextFloat() * 2 - 1;
        }
        return in;
    }

    /** The kernel against the reference bit for bit, with guard values on both sides of the call's output. */
    private static void assertMatchesReference(MaxPoolVectorKernel kernel, float[] in, int inOff, int planes, int h,
                                               int w, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw,
                                               String label) {
        float[] expected = new float[2 + planes * oh * ow + 16];
        float[] actual = new float[expected.length];
        Arrays.fill(expected, 42f);
        Arrays.fill(actual, 42f);
        Pool2dReference.max(in, inOff, expected, 2, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
        kernel.max(in, inOff, actual, 2, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
        Tolerance.EXACT.assertClose(label, expected, actual);
    }
}
