package org.caffe4j.ops;

import org.caffe4j.CaffeModelException;
import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.pool.RoiPoolReference;
import org.caffe4j.proto.Caffe;

import java.util.Arrays;
import java.util.List;

/**
 * Fast/Faster R-CNN's ROIPooling (rbgirshick/caffe-fast-rcnn, roi_pooling_layer.cpp): bottom[0] the features
 * N x C x H x W, bottom[1] the ROIs, R rows of [batch_index, x1, y1, x2, y2] in input-image pixels (R x 5, or
 * R x 5 x 1 x 1 as the fork's Python layers make them); top R x C x pooled_h x pooled_w, each ROI max-pooled
 * with the fork's rounding ({@link RoiPoolReference}).
 *
 * <p>The fork does not check spatial_scale; caffe4j refuses one that is not positive and finite (it would map
 * every ROI to a point or to undefined coordinates). ROIs the fork cannot index are refused when the net runs.
 */
public final class RoiPoolingOp implements OpDefinition<RoiPoolingOp.Params> {
    public record Params(int pooledH, int pooledW, float spatialScale) {
    }

    @Override
    public String type() {
        return "ROIPooling";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(2, 2);
        ctx.requireTops(1, 1);
        Caffe.ROIPoolingParameter q = ctx.layer().getRoiPoolingParam();
        String f = "roi_pooling_param.";
        int pooledH = pooled(ctx, f + "pooled_h", q.getPooledH());
        int pooledW = pooled(ctx, f + "pooled_w", q.getPooledW());
        float scale = q.getSpatialScale();
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw ctx.invalid(f + "spatial_scale", "is " + scale + "; must be positive and finite");
        }
        return new Params(pooledH, pooledW, scale);
    }

    private static int pooled(LayerContext ctx, String field, int value) {
        if (value <= 0) {
            throw ctx.invalid(field, "is " + Integer.toUnsignedString(value) + "; must be positive (and below 2^31)");
        }
        return value;
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape features = in.get(0);
        Shape rois = in.get(1);
        if (features.rank() != 4) {
            throw ctx.invalid("bottom[0]", "has shape " + features + "; ROIPooling needs N x C x H x W features");
        }
        if (rois.rank() < 2 || rois.count() != (long) rois.dim(0) * RoiPoolReference.ROI_SIZE) {
            throw ctx.invalid("bottom[1]", "has shape " + rois + "; the ROIs must be R x 5 ([batch_index, x1, y1, "
                    + "x2, y2] per row)");
        }
        return List.of(Shape.checked(new long[]{rois.dim(0), features.dim(1), p.pooledH(), p.pooledW()},
                ctx.label()));
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape features = ctx.inputShapes().get(0);
        int batch = features.dim(0), channels = features.dim(1), h = features.dim(2), w = features.dim(3);
        int numRois = ctx.inputShapes().get(1).dim(0);
        String layer = ctx.layerName();
        return (inputs, outputs, par) -> {
            float[] rois = inputs[1];
            int bad = RoiPoolReference.firstBadRoi(rois, numRois, batch, p.spatialScale());
            if (bad >= 0) {
                int o = bad * RoiPoolReference.ROI_SIZE;
                throw new CaffeModelException("layer '" + layer + "' (ROIPooling): bottom[1] ROI " + bad + " "
                        + Arrays.toString(Arrays.copyOfRange(rois, o, o + RoiPoolReference.ROI_SIZE))
                        + " is not [batch_index in [0, " + batch + "), then 4 coordinates that times spatial_scale "
                        + p.spatialScale() + " fit an int]");
            }
            RoiPoolReference.forward(inputs[0], channels, h, w, rois, numRois, p.spatialScale(), p.pooledH(),
                    p.pooledW(), outputs[0]);
        };
    }
}
