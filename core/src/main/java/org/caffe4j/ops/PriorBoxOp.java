package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.detect.PriorBoxes;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.List;

/**
 * The SSD fork's PriorBox (weiliu89/caffe ssd, prior_box_layer.cpp): the default boxes of one feature map, from
 * its shape and the image's (bottom[1], or img_size/img_h/img_w); the values of the bottoms are never read. Top
 * 1 x 2 x (H * W * priors * 4): first every box as normalized xmin, ymin, xmax, ymax (cells in row-major order;
 * per cell, per min_size: the min_size square, the sqrt(min_size * max_size) square, then one box per aspect ratio
 * other than 1), then the variances, one set of 4 per box.
 *
 * <p>As in the fork, min_size and max_size are truncated to integers (OpenCV keeps the fractions), aspect ratios
 * within 1e-6 of an earlier one are dropped, and clip (default false, OpenCV's default is true) clamps to [0, 1].
 */
public final class PriorBoxOp implements OpDefinition<PriorBoxOp.Params> {
    /**
     * @param minSizes     the fork's int min sizes
     * @param maxSizes     empty, or one per min size
     * @param aspectRatios 1 first, then each given ratio and (flip) its inverse
     * @param variances    1 or 4 values
     * @param imgH         0: bottom[1]'s height
     * @param stepH        0: image height / feature height
     */
    public record Params(int[] minSizes, int[] maxSizes, float[] aspectRatios, boolean clip, float[] variances,
                         int imgH, int imgW, float stepH, float stepW, float offset) {
        int priorsPerCell() {
            return minSizes.length * aspectRatios.length + maxSizes.length;
        }
    }

    @Override
    public String type() {
        return "PriorBox";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 2);
        ctx.requireTops(1, 1);
        Caffe.PriorBoxParameter q = ctx.layer().getPriorBoxParam();
        String f = "prior_box_param.";
        int[] opencvOnly = {q.getOffsetHCount(), q.getOffsetWCount(), q.getWidthCount(), q.getHeightCount()};
        String[] opencvNames = {"offset_h", "offset_w", "width", "height"};
        for (int i = 0; i < opencvOnly.length; i++) {
            if (opencvOnly[i] > 0) {
                throw ctx.unsupported(f + opencvNames[i], "(OpenCV's extension for converted TensorFlow detectors) "
                        + "is not supported; the SSD fork's PriorBox has no such field");
            }
        }
        if (q.getMinSizeCount() == 0) {
            throw ctx.invalid(f + "min_size", "is missing; PriorBox needs at least one");
        }
        int[] minSizes = new int[q.getMinSizeCount()];
        for (int i = 0; i < minSizes.length; i++) {
            float v = q.getMinSize(i);
            if (!(v > 0) || v >= Integer.MAX_VALUE) {
                throw ctx.invalid(f + "min_size", "[" + i + "] = " + v + "; must be positive and finite");
            }
            minSizes[i] = (int) v;
            if (minSizes[i] == 0) {
                // The fork truncates to int and would make empty boxes.
                throw ctx.invalid(f + "min_size", "[" + i + "] = " + v + " truncates to 0 (the SSD fork uses whole "
                        + "pixels); must be at least 1");
            }
        }
        int[] maxSizes = new int[q.getMaxSizeCount()];
        if (maxSizes.length > 0 && maxSizes.length != minSizes.length) {
            throw ctx.invalid(f + "max_size", "has " + maxSizes.length + " values for " + minSizes.length
                    + " min_size values; must have as many or none");
        }
        for (int i = 0; i < maxSizes.length; i++) {
            float v = q.getMaxSize(i);
            if (!(v > q.getMinSize(i)) || v >= Integer.MAX_VALUE) {
                throw ctx.invalid(f + "max_size", "[" + i + "] = " + v + "; must be finite and greater than min_size "
                        + q.getMinSize(i));
            }
            maxSizes[i] = (int) v;
        }
        List<Float> ratios = new ArrayList<>(List.of(1f));
        for (int i = 0; i < q.getAspectRatioCount(); i++) {
            float ar = q.getAspectRatio(i);
            if (!(ar > 0) || Float.isInfinite(ar)) {
                throw ctx.invalid(f + "aspect_ratio", "[" + i + "] = " + ar + "; must be positive and finite");
            }
            if (ratios.stream().noneMatch(r -> Math.abs(ar - r) < 1e-6)) {
                ratios.add(ar);
                if (q.getFlip()) {
                    ratios.add((float) (1.0 / ar));
                }
            }
        }
        float[] aspectRatios = new float[ratios.size()];
        for (int i = 0; i < aspectRatios.length; i++) {
            aspectRatios[i] = ratios.get(i);
        }
        float[] variances;
        if (q.getVarianceCount() == 0) {
            variances = new float[]{0.1f};
        } else if (q.getVarianceCount() == 1 || q.getVarianceCount() == 4) {
            variances = new float[q.getVarianceCount()];
            for (int i = 0; i < variances.length; i++) {
                variances[i] = q.getVariance(i);
                if (!(variances[i] > 0) || Float.isInfinite(variances[i])) {
                    throw ctx.invalid(f + "variance", "[" + i + "] = " + variances[i] + "; must be positive and finite");
                }
            }
        } else {
            throw ctx.invalid(f + "variance", "has " + q.getVarianceCount() + " values; must have 1 or 4");
        }
        int imgH = 0;
        int imgW = 0;
        if (q.hasImgH() || q.hasImgW()) {
            if (q.hasImgSize()) {
                throw ctx.invalid(f + "img_size", "is given with img_h/img_w; give one or the other");
            }
            imgH = positive(ctx, f + "img_h", q.getImgH());
            imgW = positive(ctx, f + "img_w", q.getImgW());
        } else if (q.hasImgSize()) {
            imgH = imgW = positive(ctx, f + "img_size", q.getImgSize());
        } else if (ctx.layer().getBottomCount() < 2) {
            throw ctx.invalid("bottom", "has 1 blob and no img_size or img_h/img_w; the image size comes from "
                    + "bottom[1] (the data blob) otherwise");
        }
        float stepH = 0;
        float stepW = 0;
        if (q.hasStepH() || q.hasStepW()) {
            if (q.hasStep()) {
                throw ctx.invalid(f + "step", "is given with step_h/step_w; give one or the other");
            }
            stepH = positiveStep(ctx, f + "step_h", q.getStepH());
            stepW = positiveStep(ctx, f + "step_w", q.getStepW());
        } else if (q.hasStep()) {
            stepH = stepW = positiveStep(ctx, f + "step", q.getStep());
        }
        float offset = q.getOffset();
        if (!Float.isFinite(offset)) {
            throw ctx.invalid(f + "offset", "is " + offset + "; must be finite");
        }
        return new Params(minSizes, maxSizes, aspectRatios, q.getClip(), variances, imgH, imgW, stepH, stepW, offset);
    }

    private static int positive(LayerContext ctx, String field, int value) {
        if (value <= 0) {
            throw ctx.invalid(field, "is " + Integer.toUnsignedString(value) + "; must be positive (and below 2^31)");
        }
        return value;
    }

    private static float positiveStep(LayerContext ctx, String field, float value) {
        if (!(value > 0) || Float.isInfinite(value)) {
            throw ctx.invalid(field, "is " + value + "; must be positive and finite");
        }
        return value;
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape feature = in.get(0);
        if (feature.rank() != 4) {
            throw ctx.invalid("bottom[0]", "has shape " + feature + "; PriorBox needs an N x C x H x W feature map");
        }
        if (p.imgH() == 0 && in.get(1).rank() != 4) {
            throw ctx.invalid("bottom[1]", "has shape " + in.get(1) + "; the image blob must be N x C x H x W");
        }
        long boxes = (long) feature.dim(2) * feature.dim(3) * p.priorsPerCell() * 4;
        if (boxes == 0) {
            throw ctx.invalid("bottom[0]", "has shape " + feature + ", which gives no prior boxes");
        }
        return List.of(Shape.checked(new long[]{1, 2, boxes}, ctx.label()));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape feature = ctx.inputShapes().get(0);
        int layerH = feature.dim(2);
        int layerW = feature.dim(3);
        int imgH = p.imgH() != 0 ? p.imgH() : ctx.inputShapes().get(1).dim(2);
        int imgW = p.imgW() != 0 ? p.imgW() : ctx.inputShapes().get(1).dim(3);
        float stepH = p.stepH() != 0 ? p.stepH() : (float) imgH / layerH;
        float stepW = p.stepW() != 0 ? p.stepW() : (float) imgW / layerW;
        float[] priors = PriorBoxes.generate(p.minSizes(), p.maxSizes(), p.aspectRatios(), p.clip(), p.variances(),
                layerH, layerW, imgH, imgW, stepH, stepW, p.offset());
        return (inputs, outputs, par) -> System.arraycopy(priors, 0, outputs[0], 0, priors.length);
    }
}
