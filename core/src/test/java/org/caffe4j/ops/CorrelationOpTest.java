package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.UnsupportedLayerException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;

class CorrelationOpTest extends OpTestBase {
    private static final String C = "Correlation";
    private static final String F = "correlation_param.";

    @Test
    void eachDisplacementIsOneChannel() {
        // One 3x3 channel each, kernel 1, max_displacement 1: one output position (the centre), 9 displacements,
        // dy outer and dx inner: a's centre 2 times b at the centre + (dx, dy).
        Tensor a = new Tensor(new int[]{1, 1, 3, 3}, new float[]{0, 0, 0, 0, 2, 0, 0, 0, 0});
        Tensor b = new Tensor(new int[]{1, 1, 3, 3}, new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9});
        Tensor y = runOne(layer(C, "x0 x1", "y", "correlation_param { kernel_size: 1 max_displacement: 1 }"), a, b);
        assertTensor(Tolerance.EXACT, new int[]{1, 9, 1, 1}, new double[]{2, 4, 6, 8, 10, 12, 14, 16, 18}, y);
    }

    @Test
    void zeroPaddingAndTheMeanOverThePatch() {
        // pad 1 on a 1x1 map, kernel 3, max_displacement 0: one position whose 3x3 patch holds the single value;
        // the mean over k*k*C = 9 * 2 channels: (3*5 + 4*6) / 18.
        Tensor a = new Tensor(new int[]{1, 2, 1, 1}, new float[]{3, 4});
        Tensor b = new Tensor(new int[]{1, 2, 1, 1}, new float[]{5, 6});
        Tensor y = runOne(layer(C, "x0 x1", "y", "correlation_param { pad: 1 kernel_size: 3 max_displacement: 0 }"),
                a, b);
        assertTensor(Tolerance.CLOSE, new int[]{1, 1, 1, 1}, new double[]{39.0 / 18}, y);
    }

    @Test
    void badParametersAndShapesAreRefusedAtLoad() {
        Tensor a = new Tensor(new int[]{1, 2, 5, 5}, new float[50]);
        assertRejected(ShapeException.class, C, F + "kernel_size", layer(C, "x0 x1", "y",
                "correlation_param { max_displacement: 1 }"), a, a);
        assertRejected(ShapeException.class, C, F + "max_displacement", layer(C, "x0 x1", "y",
                "correlation_param { kernel_size: 1 }"), a, a);
        assertRejected(ShapeException.class, C, F + "kernel_size", layer(C, "x0 x1", "y",
                "correlation_param { kernel_size: 2 max_displacement: 1 }"), a, a);
        assertRejected(UnsupportedLayerException.class, C, F + "correlation_type", layer(C, "x0 x1", "y",
                "correlation_param { kernel_size: 1 max_displacement: 1 correlation_type: SUBTRACT }"), a, a);
        assertRejected(UnsupportedLayerException.class, C, F + "do_abs", layer(C, "x0 x1", "y",
                "correlation_param { kernel_size: 1 max_displacement: 1 do_abs: true }"), a, a);
        assertRejected(ShapeException.class, C, F + "stride_2", layer(C, "x0 x1", "y",
                "correlation_param { kernel_size: 1 max_displacement: 1 stride_2: 0 }"), a, a);
        assertRejected(ShapeException.class, C, "bottom[1]", layer(C, "x0 x1", "y",
                "correlation_param { kernel_size: 1 max_displacement: 1 }"), a, new Tensor(new int[]{1, 2, 5, 4},
                new float[40]));
        assertRejected(ShapeException.class, C, "correlation_param", layer(C, "x0 x1", "y",
                "correlation_param { kernel_size: 1 max_displacement: 3 }"), a, a);
    }
}
