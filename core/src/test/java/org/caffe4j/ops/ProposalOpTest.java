package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * py-faster-rcnn's proposals on a 1 x 2 feature map with one 16 x 16 anchor (ratio 1, scale 1), stride 16, in a
 * 32 x 32 image: cell 0's box is [0, 0, 16, 16] (py-faster-rcnn's x2 = centre + width / 2), cell 1's is moved, shrunk
 * or made to coincide with it.
 */
class ProposalOpTest extends OpTestBase {
    private static final String P = "Proposal";
    private static final String PARAMS = "proposal_param { feat_stride: 16 base_size: 16 min_size: 4 ratio: 1 "
            + "scale: 1 pre_nms_topn: 10 post_nms_topn: 3 nms_thresh: 0.7 }";

    private static Tensor scores() {
        return new Tensor(new int[]{1, 2, 1, 2}, new float[]{0.1f, 0.4f, 0.9f, 0.6f});
    }

    /** dx, dy, dw, dh of cell 1 (cell 0's are 0). */
    private static Tensor deltas(float dx, float dy, float dw, float dh) {
        return new Tensor(new int[]{1, 4, 1, 2}, new float[]{0, dx, 0, dy, 0, dw, 0, dh});
    }

    private static final Tensor IM_INFO = new Tensor(new int[]{1, 3}, new float[]{32, 32, 1});

    /** Both planners, 1 and 2 threads, must agree exactly; the tops by name. */
    private static Map<String, Tensor> propose(String layerText, Tensor... inputs) {
        Map<String, Tensor> first = null;
        for (boolean reference : new boolean[]{true, false}) {
            for (int threads = 1; threads <= 2; threads++) {
                try (Model m = load(layerText, List.of(), reference, threads, inputs)) {
                    Map<String, Tensor> out = m.run(named(inputs), java.util.Set.of("rois", "scores"));
                    if (first == null) {
                        first = out;
                    } else {
                        assertArrayEquals(first.get("rois").data(), out.get("rois").data());
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return first;
    }

    @Test
    void movedClippedAndPaddedWithZeros() {
        Map<String, Tensor> out = propose(layer(P, "x0 x1 x2", "rois scores", PARAMS), scores(),
                deltas(0.25f, 0, 0, 0), IM_INFO);
        // Cell 1: centre 24 + 0.25 x 16 = 28, width 16: [20, 0, 36, 16], x2 clipped to 31.
        assertTensor(Tolerance.EXACT, new int[]{3, 5}, new double[]{0, 0, 0, 16, 16, 0, 20, 0, 31, 16, 0, 0, 0, 0, 0},
                out.get("rois"));
        assertTensor(Tolerance.EXACT, new int[]{3, 1}, new double[]{0.9f, 0.6f, 0}, out.get("scores"));
    }

    @Test
    void aCoincidingBoxIsSuppressedAndATinyOneDropped() {
        // dx = -1 moves cell 1's box onto cell 0's: overlap 1 > 0.7.
        Map<String, Tensor> out = propose(layer(P, "x0 x1 x2", "rois scores", PARAMS), scores(),
                deltas(-1, 0, 0, 0), IM_INFO);
        assertTensor(Tolerance.EXACT, new int[]{3, 5}, new double[]{0, 0, 0, 16, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                out.get("rois"));
        // dw = -3: 16 e^-3 = 0.8 wide, 1.8 with py-faster-rcnn's +1, under min_size 4 x im_info scale 1.
        out = propose(layer(P, "x0 x1 x2", "rois scores", PARAMS), scores(), deltas(0, 0, -3, 0), IM_INFO);
        assertTensor(Tolerance.EXACT, new int[]{3, 1}, new double[]{0.9f, 0, 0}, out.get("scores"));
        // The same box passes when im_info's scale halves the minimum (4 x 0.4 = 1.6 <= 1.8).
        out = propose(layer(P, "x0 x1 x2", "rois scores", PARAMS), scores(), deltas(0, 0, -3, 0),
                new Tensor(new int[]{1, 3}, new float[]{32, 32, 0.4f}));
        assertTensor(Tolerance.EXACT, new int[]{3, 1}, new double[]{0.9f, 0.6f, 0}, out.get("scores"));
    }

    @Test
    void anchorsAreGenerateAnchorsOnes() {
        // py-faster-rcnn's generate_anchors() for base 16, ratios 0.5, 1, 2, scales 8, 16, 32 (its README's table).
        double[][] a = org.caffe4j.kernels.detect.ProposalReference.anchors(16, new float[]{0.5f, 1, 2},
                new float[]{8, 16, 32});
        double[][] expected = {
                {-84, -40, 99, 55}, {-176, -88, 191, 103}, {-360, -184, 375, 199},
                {-56, -56, 71, 71}, {-120, -120, 135, 135}, {-248, -248, 263, 263},
                {-36, -80, 51, 95}, {-80, -168, 95, 183}, {-168, -344, 183, 359}};
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], a[i], 0, "anchor " + i);
        }
    }

    @Test
    void badParametersAndShapesAreRefusedAtLoad() {
        Tensor s = scores(), d = deltas(0, 0, 0, 0);
        assertRejected(ShapeException.class, P, "proposal_param.post_nms_topn", layer(P, "x0 x1 x2", "rois",
                PARAMS.replace("post_nms_topn: 3", "post_nms_topn: 0")), s, d, IM_INFO);
        assertRejected(ShapeException.class, P, "proposal_param.nms_thresh", layer(P, "x0 x1 x2", "rois",
                PARAMS.replace("nms_thresh: 0.7", "nms_thresh: 1.5")), s, d, IM_INFO);
        assertRejected(ShapeException.class, P, "proposal_param.ratio", layer(P, "x0 x1 x2", "rois",
                PARAMS.replace("ratio: 1", "ratio: -1")), s, d, IM_INFO);
        assertRejected(ShapeException.class, P, "bottom[0]", layer(P, "x0 x1 x2", "rois",
                PARAMS.replace("ratio: 1", "ratio: 1 ratio: 2")), s, d, IM_INFO);
        assertRejected(ShapeException.class, P, "bottom[1]", layer(P, "x0 x1 x2", "rois", PARAMS), s,
                new Tensor(new int[]{1, 4, 1, 1}, new float[4]), IM_INFO);
        assertRejected(ShapeException.class, P, "bottom", layer(P, "x0 x1", "rois", PARAMS), s, d);
    }
}
