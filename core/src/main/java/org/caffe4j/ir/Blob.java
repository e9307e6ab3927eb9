package org.caffe4j.ir;

/**
 * A learned parameter blob (weights, bias, BatchNorm statistics...) as float values in C order.
 *
 * @param legacy4d true when the file gave Caffe's deprecated num/channels/height/width dims, which Caffe compares
 *                 against the LAST four axes of the expected shape (a bias stored as 1x1x1xN)
 */
public record Blob(Shape shape, float[] data, boolean legacy4d) {
    public Blob {
        if (shape.count() != data.length) {
            throw new IllegalArgumentException("blob shape " + shape + " does not match " + data.length + " values");
        }
    }

    /** Whether this blob can fill a parameter of the expected shape (Caffe's Blob::ShapeEquals). */
    public boolean fits(Shape expected) {
        // A scalar parameter (PReLU channel_shared, Scale with num_axes 0) is also accepted when stored with shape
        // {1} or any other single-value shape, as converters and hand-made models often write it; the value is
        // unambiguous, where Caffe itself would refuse the copy.
        if (expected.rank() == 0 && shape.count() == 1) {
            return true;
        }
        if (!legacy4d) {
            return shape.equals(expected);
        }
        if (expected.rank() > 4) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            int want = i <= expected.rank() ? expected.dim(expected.rank() - i) : 1;
            if (shape.dim(4 - i) != want) {
                return false;
            }
        }
        return true;
    }
}
