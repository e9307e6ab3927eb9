package org.caffe4j.verify;

import org.caffe4j.files.Npy;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlobComparatorTest {
    private final BlobComparator comparator = new BlobComparator();

    private static Npy.Array random(long seed, float scale, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian() * scale;
        }
        return new Npy.Array(shape, x);
    }

    private static Npy.Array plus(Npy.Array a, int index, float delta) {
        float[] d = a.data().clone();
        d[index] += delta;
        return new Npy.Array(a.shape().clone(), d);
    }

    private static double maxAbs(Npy.Array a) {
        double m = 0;
        for (float v : a.data()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void identicalBlobsPassWithZeroError() {
        Npy.Array g = random(1, 1, 2, 3, 4, 4);
        BlobResult r = comparator.compareBlob("conv", new Npy.Array(g.shape(), g.data().clone()), g);
        assertTrue(r.passed(), r.toString());
        assertEquals(0, r.maxAbs());
        assertEquals(1.0, r.cosine(), 1e-12);
    }

    @Test
    void oneElementJustInsideTheScaledMaxAbsPassesAndJustOutsideFails() {
        // Values of magnitude ~1000: the allowed max abs error is 1e-4 * max|ref|, not 1e-4.
        Npy.Array g = random(2, 300, 1, 8, 5, 5);
        double allowed = 1e-4 * maxAbs(g);
        BlobResult inside = comparator.compareBlob("x", plus(g, 17, (float) (0.9 * allowed)), g);
        BlobResult outside = comparator.compareBlob("x", plus(g, 17, (float) (1.2 * allowed)), g);
        assertTrue(inside.passed(), inside.toString());
        assertFalse(outside.passed());
        assertEquals(BlobResult.Status.FAIL, outside.status());
        assertTrue(outside.detail().contains("first at index 17"), outside.detail());
        assertEquals(1.2e-4, outside.maxRel(), 1e-6);
    }

    @Test
    void smallValuesAreJudgedAgainstAnAbsoluteFloorOfOne() {
        // max|ref| = 0.01 < 1, so the floor max(1, .) applies: 5e-5 absolute passes, 2e-4 fails.
        Npy.Array g = random(3, 0.003f, 4, 10);
        assertTrue(comparator.compareBlob("p", plus(g, 3, 5e-5f), g).passed());
        assertFalse(comparator.compareBlob("p", plus(g, 3, 2e-4f), g).passed());
    }

    @Test
    void anErrorSpreadOverEveryElementFailsTheMeanRuleEvenBelowTheMaxRule() {
        Npy.Array g = random(4, 0.5f, 1, 4, 6, 6);
        float[] d = g.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] += 5e-5f; // under max-abs 1e-4, over mean-abs 1e-5
        }
        BlobResult r = comparator.compareBlob("bias_off", new Npy.Array(g.shape(), d), g);
        assertFalse(r.passed());
        assertTrue(r.detail().startsWith("mean abs"), r.detail());
    }

    @Test
    void nanOrInfinityInTheActualBlobFails() {
        Npy.Array g = random(5, 1, 1, 3, 2, 2);
        BlobResult nan = comparator.compareBlob("n", plus(g, 4, Float.NaN), g);
        BlobResult inf = comparator.compareBlob("i", plus(g, 0, Float.POSITIVE_INFINITY), g);
        assertFalse(nan.passed());
        assertEquals(1, nan.nonFinite());
        assertTrue(Double.isNaN(nan.maxAbs()), "a NaN must not disappear from the statistics");
        assertFalse(inf.passed());
        // A whole blob of NaNs, the classic "comparisons with NaN are false" trap.
        float[] all = new float[g.data().length];
        java.util.Arrays.fill(all, Float.NaN);
        assertFalse(comparator.compareBlob("all", new Npy.Array(g.shape(), all), g).passed());
    }

    @Test
    void shapeMismatchAndMissingBlobsAreFailuresNotExceptions() {
        Npy.Array g = random(6, 1, 2, 6);
        Npy.Array transposed = new Npy.Array(new int[]{6, 2}, g.data().clone());
        BlobResult shape = comparator.compareBlob("ip", transposed, g);
        BlobResult missing = comparator.compareBlob("ip", null, g);
        assertEquals(BlobResult.Status.SHAPE_MISMATCH, shape.status());
        assertTrue(shape.detail().contains("6x2") && shape.detail().contains("2x6"), shape.detail());
        assertEquals(BlobResult.Status.MISSING, missing.status());
        assertNull(missing.actualShape());
    }

    @Test
    void firstFailureFollowsGoldenNetworkOrderNotNames() {
        Map<String, Npy.Array> golden = new LinkedHashMap<>();
        golden.put("data", random(7, 1, 1, 2, 3, 3));
        golden.put("zconv", random(8, 1, 1, 2, 3, 3));
        golden.put("apool", random(9, 1, 1, 2, 1, 1));
        golden.put("prob", random(10, 1, 1, 6));
        Map<String, Npy.Array> actual = new LinkedHashMap<>();
        actual.put("data", golden.get("data"));
        actual.put("zconv", plus(golden.get("zconv"), 1, 0.5f));
        actual.put("apool", plus(golden.get("apool"), 0, 0.5f));
        actual.put("debug_extra", golden.get("data"));
        Comparison c = comparator.compare(actual, golden);
        assertFalse(c.passed());
        assertEquals("zconv", c.firstFailure().orElseThrow().name());
        assertEquals(3, c.failures().size());
        assertEquals(BlobResult.Status.MISSING, c.result("prob").status());
        assertEquals(java.util.List.of("debug_extra"), c.extraActualBlobs());
        String table = c.table();
        assertTrue(table.lines().anyMatch(l -> l.startsWith("zconv") && l.contains("<-- first failure")), table);
        assertTrue(table.lines().noneMatch(l -> l.startsWith("apool") && l.contains("first failure")), table);
        assertEquals("zconv", c.toReport().get("first_failure"));
    }

    @Test
    void allPassingComparisonPasses() {
        Map<String, Npy.Array> golden = new LinkedHashMap<>();
        golden.put("data", random(11, 1, 1, 3, 2, 2));
        golden.put("prob", random(12, 1, 2, 10));
        Comparison c = comparator.compare(new LinkedHashMap<>(golden), golden);
        assertTrue(c.passed(), c.table());
        assertTrue(c.firstFailure().isEmpty());
        assertEquals(Boolean.TRUE, c.result("prob").top5());
        assertNull(c.result("data").top5(), "a 1x3x2x2 blob is not classifier-like");
    }

    @Test
    void aSwappedRankingFailsTopFiveEvenWhenALooseAtolLetsTheValuesPass() {
        float[] ref = {0.30f, 0.25f, 0.20f, 0.10f, 0.08f, 0.04f, 0.03f};
        float[] act = {0.25f, 0.30f, 0.20f, 0.10f, 0.08f, 0.04f, 0.03f};
        Npy.Array g = new Npy.Array(new int[]{1, 7, 1, 1}, ref);
        BlobResult r = new BlobComparator(Tolerances.DEFAULT.withAtol(0.1)).compareBlob("pool4",
                new Npy.Array(g.shape(), act), g);
        assertEquals(Boolean.FALSE, r.top5());
        assertFalse(r.passed());
        assertTrue(r.detail().contains("top-5"), r.detail());
    }

    @Test
    void aNearTieMaySwapWithinDefaultPrecision() {
        float[] ref = {5.0f, 4.99999f, 1, 0.5f, 0.25f, 0.125f};
        float[] act = {4.99999f, 5.0f, 1, 0.5f, 0.25f, 0.125f};
        Npy.Array g = new Npy.Array(new int[]{1, 6}, ref);
        BlobResult r = comparator.compareBlob("prob", new Npy.Array(g.shape(), act), g);
        assertEquals(Boolean.TRUE, r.top5());
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void rtolAddsSlackProportionalToTheReferenceValue() {
        Npy.Array g = new Npy.Array(new int[]{4}, new float[]{100, 0.5f, -200, 3});
        Npy.Array a = plus(g, 2, 0.1f); // 0.1 > 1e-4 * 200 = 0.02
        assertFalse(comparator.compareBlob("x", a, g).passed());
        assertTrue(new BlobComparator(new Tolerances(1e-4, 1e-3, 1)).compareBlob("x", a, g).passed());
    }

    @Test
    void classifierLikeShapes() {
        assertTrue(BlobComparator.isClassifierLike(new int[]{4, 10}));
        assertTrue(BlobComparator.isClassifierLike(new int[]{1, 1000, 1, 1}));
        assertFalse(BlobComparator.isClassifierLike(new int[]{1, 4}));
        assertFalse(BlobComparator.isClassifierLike(new int[]{1, 10, 2, 1}));
        assertFalse(BlobComparator.isClassifierLike(new int[]{10}));
    }

    private static Npy.Array detections(int rows, float[]... detections) {
        float[] d = new float[rows * 7];
        java.util.Arrays.fill(d, -1);
        for (int r = 0; r < detections.length; r++) {
            System.arraycopy(detections[r], 0, d, r * 7, 7);
        }
        return new Npy.Array(new int[]{1, 1, rows, 7}, d);
    }

    @Test
    void detectionBlobsCompareAsSetsPerImage() {
        BlobComparator sets = new BlobComparator(Tolerances.DEFAULT, java.util.Set.of("det"));
        float[] a = {0, 1, 0.9f, 0.1f, 0.1f, 0.5f, 0.5f};
        float[] b = {0, 2, 0.8f, 0.2f, 0.2f, 0.6f, 0.6f};
        float[] c = {1, 1, 0.7f, 0.3f, 0.3f, 0.4f, 0.4f};
        // OpenCV's order (by score) and zero padding against the fork's (by label) and -1 padding.
        Npy.Array golden = new Npy.Array(new int[]{1, 1, 4, 7}, concat(a, b, c, new float[7]));
        assertTrue(sets.compareBlob("det", detections(6, c, b, a), golden).passed());
        // A box off by 1e-3, a detection missing, or one moved to another image fails.
        float[] shifted = a.clone();
        shifted[5] += 1e-3f;
        assertFalse(sets.compareBlob("det", detections(6, shifted, b, c), golden).passed());
        assertFalse(sets.compareBlob("det", detections(6, a, b), golden).passed());
        float[] otherImage = c.clone();
        otherImage[0] = 0;
        assertFalse(sets.compareBlob("det", detections(6, a, b, otherImage), golden).passed());
        // Without the set rule the same blobs differ.
        assertFalse(comparator.compareBlob("det", detections(4, a, b, c), golden).passed());
    }

    private static float[] concat(float[]... parts) {
        float[] all = new float[parts.length * 7];
        for (int i = 0; i < parts.length; i++) {
            System.arraycopy(parts[i], 0, all, i * 7, 7);
        }
        return all;
    }
}
