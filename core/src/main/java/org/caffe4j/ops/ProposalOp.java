package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.detect.ProposalReference;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.List;

/**
 * Faster R-CNN's region proposal layer: py-faster-rcnn's Python layer (lib/rpn/proposal_layer.py) with OpenCV's
 * {@code proposal_param} (field 201). Bottoms: the RPN's class probabilities 1 x 2A x H x W, its box deltas
 * 1 x 4A x H x W and im_info (height, width, scale: 3 values). Top 0: the proposals, post_nms_topn x 5 rows of
 * [0, x1, y1, x2, y2] in image pixels; top 1 (optional): their scores, post_nms_topn x 1.
 *
 * <p>caffe4j's blobs have static shapes, so like OpenCV the tops always have post_nms_topn rows, and the rows past
 * the proposals found are 0 (py-faster-rcnn returns just the rows found). Unlike OpenCV, which skips it, boxes
 * narrower or lower than min_size x im_info[2] pixels are dropped, as py-faster-rcnn does.
 */
public final class ProposalOp implements OpDefinition<ProposalOp.Params> {
    public record Params(int featStride, int baseSize, float minSize, float[] ratios, float[] scales, int preNmsTopN,
                         int postNmsTopN, float nmsThresh) {
        int anchors() {
            return ratios.length * scales.length;
        }
    }

    @Override
    public String type() {
        return "Proposal";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(3, 3);
        ctx.requireTops(1, 2);
        Caffe.ProposalParameter q = ctx.layer().getProposalParam();
        String f = "proposal_param.";
        int featStride = positive(ctx, f + "feat_stride", q.getFeatStride());
        int baseSize = positive(ctx, f + "base_size", q.getBaseSize());
        if (q.getMinSize() < 0 || q.getMinSize() > (1 << 24)) {
            throw ctx.invalid(f + "min_size", "is " + Integer.toUnsignedString(q.getMinSize()) + "; must be 0 to 2^24");
        }
        // py-faster-rcnn's defaults: ratios 0.5, 1, 2 and scales 8, 16, 32.
        float[] ratios = q.getRatioCount() == 0 ? new float[]{0.5f, 1, 2} : floats(q.getRatioList());
        float[] scales = q.getScaleCount() == 0 ? new float[]{8, 16, 32} : floats(q.getScaleList());
        for (float r : ratios) {
            if (!(r > 0) || Float.isInfinite(r)) {
                throw ctx.invalid(f + "ratio", "has " + r + "; every ratio must be positive and finite");
            }
        }
        for (float s : scales) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw ctx.invalid(f + "scale", "has " + s + "; every scale must be positive and finite");
            }
        }
        int pre = positive(ctx, f + "pre_nms_topn", q.getPreNmsTopn());
        int post = positive(ctx, f + "post_nms_topn", q.getPostNmsTopn());
        float nms = q.getNmsThresh();
        if (!(nms >= 0 && nms <= 1)) {
            throw ctx.invalid(f + "nms_thresh", "is " + nms + "; must be between 0 and 1");
        }
        return new Params(featStride, baseSize, q.getMinSize(), ratios, scales, pre, post, nms);
    }

    private static int positive(LayerContext ctx, String field, int value) {
        if (value <= 0) {
            throw ctx.invalid(field, "is " + Integer.toUnsignedString(value) + "; must be positive (and below 2^31)");
        }
        return value;
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape scores = in.get(0), deltas = in.get(1), imInfo = in.get(2);
        int a = p.anchors();
        if (scores.rank() != 4 || scores.dim(0) != 1 || scores.dim(1) != 2L * a) {
            throw ctx.invalid("bottom[0]", "has shape " + scores + "; expected 1 x " + 2L * a + " x H x W (2 scores for "
                    + "each of the " + a + " anchors; py-faster-rcnn takes one image at a time)");
        }
        if (deltas.rank() != 4 || deltas.dim(0) != 1 || deltas.dim(1) != 4L * a || deltas.dim(2) != scores.dim(2)
                || deltas.dim(3) != scores.dim(3)) {
            throw ctx.invalid("bottom[1]", "has shape " + deltas + "; expected 1 x " + 4L * a + " x " + scores.dim(2)
                    + " x " + scores.dim(3));
        }
        if (imInfo.count() < 3) {
            throw ctx.invalid("bottom[2]", "has shape " + imInfo + "; im_info holds height, width and scale");
        }
        List<Shape> out = new ArrayList<>();
        out.add(Shape.checked(new long[]{p.postNmsTopN(), 5}, ctx.label()));
        if (ctx.layer().getTopCount() > 1) {
            out.add(Shape.checked(new long[]{p.postNmsTopN(), 1}, ctx.label()));
        }
        return out;
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape scores = ctx.inputShapes().get(0);
        int h = scores.dim(2), w = scores.dim(3);
        double[][] anchors = ProposalReference.anchors(p.baseSize(), p.ratios(), p.scales());
        boolean withScores = ctx.outputShapes().size() > 1;
        return (inputs, outputs, par) -> ProposalReference.forward(inputs[0], inputs[1], h, w, inputs[2], anchors,
                p.featStride(), p.minSize(), p.preNmsTopN(), p.postNmsTopN(), p.nmsThresh(), outputs[0],
                withScores ? outputs[1] : null);
    }
}
