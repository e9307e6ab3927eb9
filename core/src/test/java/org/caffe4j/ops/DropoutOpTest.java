package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;

import java.util.Random;

class DropoutOpTest extends OpTestBase {
    private static final Tensor X = new Tensor(new int[]{1, 2, 1, 2}, new float[]{1, -2, 4, 8});

    @Test
    void identityAtInference() {
        assertTensor(Tolerance.EXACT, X.shape(), new double[]{1, -2, 4, 8},
                runOne(layer("Dropout", "x0", "y", "dropout_param { dropout_ratio: 0.3 }"), X));
        assertTensor(Tolerance.EXACT, X.shape(), new double[]{1, -2, 4, 8},
                runOne(layer("Dropout", "x0", "x0", ""), X));
    }

    /** Faster R-CNN's fork trains unscaled (scale_train: false), so it scales at test time; OpenCV 4.6 gives 0.75 x. */
    @Test
    void scaleTrainFalseScalesByTheKeptFraction() {
        assertTensor(Tolerance.EXACT, X.shape(), new double[]{0.75, -1.5, 3, 6},
                runOne(layer("Dropout", "x0", "y", "dropout_param { dropout_ratio: 0.25 scale_train: false }"), X));
        assertTensor(Tolerance.EXACT, X.shape(), new double[]{0.5, -1, 2, 4},
                runOne(layer("Dropout", "x0", "x0", "dropout_param { scale_train: false }"), X));
        assertBatchFollowsInput(layer("Dropout", "x0", "y", "dropout_param { dropout_ratio: 0.4 scale_train: false }"),
                java.util.List.of(), uniform(new Random(2), -3, 3, 3, 4, 5));
    }

    @Test
    void rejectsARatioOutsideZeroToOne() {
        assertRejected(ShapeException.class, "Dropout", "dropout_param.dropout_ratio",
                layer("Dropout", "x0", "y", "dropout_param { dropout_ratio: 1 }"), X);
    }
}
