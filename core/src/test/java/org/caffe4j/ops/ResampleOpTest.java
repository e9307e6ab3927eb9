package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;

class ResampleOpTest extends OpTestBase {
    private static final String R = "Resample";
    private static final Tensor ROW = new Tensor(new int[]{1, 1, 1, 2}, new float[]{1, 2});

    @Test
    void theForksSourcePositionsForNearestAndLinear() {
        // fx = 2/4, fy = 1: x_in = x * 0.5 + fy/2 - 0.5 = 0, 0.5, 1, 1.5 (the fork pairs x with fy's half).
        Tensor nearest = runOne(layer(R, "x0", "y", "resample_param { width: 4 height: 1 type: NEAREST }"), ROW);
        assertTensor(Tolerance.EXACT, new int[]{1, 1, 1, 4}, new double[]{1, 2, 2, 2}, nearest);
        Tensor linear = runOne(layer(R, "x0", "y", "resample_param { width: 4 height: 1 }"), ROW);
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, 1, 4}, new double[]{1, 1.5, 2, 2}, linear);
    }

    @Test
    void aSecondBottomGivesTheSize() {
        Tensor ref = new Tensor(new int[]{1, 3, 2, 3}, new float[18]);
        // fx = 2/3, fy = 1/2: x_in = x * 2/3 + 0.25 - 0.5 = -0.25, 0.42, 1.08, rounded 0, 0, 1.
        Tensor y = runOne(layer(R, "x0 x1", "y", "resample_param { type: NEAREST }"), ROW, ref);
        assertTensor(Tolerance.EXACT, new int[]{1, 1, 2, 3}, new double[]{1, 1, 2, 1, 1, 2}, y);
    }

    @Test
    void badParametersAreRefusedAtLoad() {
        assertRejected(ShapeException.class, R, "resample_param.width", layer(R, "x0", "y",
                "resample_param { height: 2 }"), ROW);
        assertRejected(UnsupportedLayerException.class, R, "resample_param.type", layer(R, "x0", "y",
                "resample_param { width: 2 height: 2 type: AREA }"), ROW);
    }
}
