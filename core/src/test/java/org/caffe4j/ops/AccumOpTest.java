package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;

class AccumOpTest extends OpTestBase {
    private static final String A = "Accum";

    private static final Tensor TWO_BY_TWO = new Tensor(new int[]{1, 1, 2, 2}, new float[]{0, 1, 2, 3});

    @Test
    void cornersAlignedBilinearToTheGivenSize() {
        Tensor y = runOne(layer(A, "x0", "y", "accum_param { top_height: 3 top_width: 3 }"), TWO_BY_TWO);
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, 3, 3}, new double[]{0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3}, y);
    }

    @Test
    void theReferenceGivesTheSizeAndIsNotStacked() {
        Tensor big = new Tensor(new int[]{1, 2, 3, 3}, new float[]{1, 1, 1, 1, 1, 1, 1, 1, 1, 7, 7, 7, 7, 7, 7, 7, 7, 7});
        Tensor reference = new Tensor(new int[]{1, 5, 3, 3}, new float[45]);
        Tensor y = runOne(layer(A, "x0 x1 x2", "y", "accum_param { have_reference: true }"), TWO_BY_TWO, big,
                reference);
        assertTensor(Tolerance.CLOSE, new int[]{1, 3, 3, 3}, new double[]{0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3,
                1, 1, 1, 1, 1, 1, 1, 1, 1, 7, 7, 7, 7, 7, 7, 7, 7, 7}, y);
    }

    @Test
    void aRequestedSizeNoLargerThanTheBottomsIsIgnoredAndDivisibilityRoundsUp() {
        // top 2x5 is not larger in both axes than the largest bottom (2x2): the bottoms' size wins, as in the fork.
        Tensor same = runOne(layer(A, "x0", "y", "accum_param { top_height: 2 top_width: 5 }"), TWO_BY_TWO);
        assertTensor(Tolerance.EXACT, new int[]{1, 1, 2, 2}, new double[]{0, 1, 2, 3}, same);
        Tensor up = runOne(layer(A, "x0", "y", "accum_param { size_divisible_by: 3 }"), TWO_BY_TWO);
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, 3, 3}, new double[]{0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3}, up);
    }

    @Test
    void badParametersAndShapesAreRefusedAtLoad() {
        assertRejected(ShapeException.class, A, "bottom", layer(A, "x0", "y", "accum_param { have_reference: true }"),
                TWO_BY_TWO);
        assertRejected(ShapeException.class, A, "top", layer(A, "x0", "y", ""),
                new Tensor(new int[]{1, 1, 1, 4}, new float[4]));
        assertRejected(ShapeException.class, A, "accum_param.size_divisible_by", layer(A, "x0", "y",
                "accum_param { size_divisible_by: 0 }"), TWO_BY_TWO);
        assertRejected(ShapeException.class, A, "bottom[1]", layer(A, "x0 x1", "y", ""), TWO_BY_TWO,
                new Tensor(new int[]{2, 1, 2, 2}, new float[8]));
    }
}
