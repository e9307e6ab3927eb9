package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;

class FlowWarpOpTest extends OpTestBase {
    private static final String W = "FlowWarp";
    /** One 2x3 channel: 0 1 2 / 3 4 5. */
    private static final Tensor IMAGE = new Tensor(new int[]{1, 1, 2, 3}, new float[]{0, 1, 2, 3, 4, 5});

    private static Tensor flow(float dx, float dy) {
        float[] f = new float[12];
        java.util.Arrays.fill(f, 0, 6, dx);
        java.util.Arrays.fill(f, 6, 12, dy);
        return new Tensor(new int[]{1, 2, 2, 3}, f);
    }

    @Test
    void samplesWhereTheFlowPointsAndFillsOutside() {
        // Half a pixel right: (0,0) -> 0.5, (1,0) -> 1.5, (2,0) -> x 2.5 lies inside [0, 3): right neighbour clamps.
        Tensor y = runOne(layer(W, "x0 x1", "y", ""), IMAGE, flow(0.5f, 0));
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, 2, 3}, new double[]{0.5, 1.5, 2, 3.5, 4.5, 5}, y);
        // One row down: the bottom row falls outside (y2 = 2 is not < 2) and gets 0.
        Tensor down = runOne(layer(W, "x0 x1", "y", ""), IMAGE, flow(0, 1));
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, 2, 3}, new double[]{3, 4, 5, 0, 0, 0}, down);
        Tensor nan = runOne(layer(W, "x0 x1", "y", "flow_warp_param { fill_value: NOT_A_NUMBER }"), IMAGE,
                flow(-1, 0));
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, 2, 3}, new double[]{Double.NaN, 0, 1, Double.NaN, 3, 4}, nan);
    }

    @Test
    void theFlowMustMatchTheImage() {
        assertRejected(ShapeException.class, W, "bottom[1]", layer(W, "x0 x1", "y", ""), IMAGE,
                new Tensor(new int[]{1, 3, 2, 3}, new float[18]));
        assertRejected(ShapeException.class, W, "bottom", layer(W, "x0", "y", ""), IMAGE);
    }

    @Test
    void channelNormIsEachPixelsL2Norm() {
        Tensor x = new Tensor(new int[]{1, 2, 1, 2}, new float[]{3, 0, 4, -2});
        Tensor y = runOne(layer("ChannelNorm", "x0", "y", ""), x);
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, 1, 2}, new double[]{5, 2}, y);
    }
}
