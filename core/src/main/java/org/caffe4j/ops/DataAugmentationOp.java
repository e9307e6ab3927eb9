package org.caffe4j.ops;

import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.flow.DataAugmentationReference;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.List;

/**
 * FlowNet 2.0's DataAugmentation (lmb-freiburg/flownet2, field 149) as it runs at test time: the image, or its
 * centre crop ({@code crop_width} and {@code crop_height}), minus a mean. The mean is the one the layer learnt in
 * training ({@code recompute_mean}: blobs iteration count, per-pixel mean, per-channel mean; {@code mean_per_pixel}
 * picks which) or three per-channel values from the prototxt ({@code mean}).
 *
 * <p>Refused rather than approximated: random augmentation at test time (the fork draws new coefficients on each
 * pass), a learnt mean still being learnt (the fork would go on averaging the images it is given: the answer
 * would depend on earlier inputs), a {@code mean} the fork ignores, files written as a side effect, and the
 * coefficient bottom and top.
 */
public final class DataAugmentationOp implements OpDefinition<DataAugmentationOp.Params> {
    /** How the mean is found. */
    public enum Mean { NONE, LEARNT, PROTOTXT }

    /**
     * @param cropWidth  0 for no crop
     * @param protoMean  the prototxt's three values (PROTOTXT)
     */
    public record Params(int cropWidth, int cropHeight, Mean mean, boolean perPixel, long recomputeMean,
                         float[] protoMean) {
    }

    @Override
    public String type() {
        return "DataAugmentation";
    }

    @Override
    public Params parse(LayerContext ctx) {
        String f = "augmentation_param.";
        if (ctx.layer().getBottomCount() == 2) {
            throw ctx.unsupported("bottom[1]", "(augmentation coefficients from another DataAugmentation layer) is "
                    + "not supported: give one bottom");
        }
        if (ctx.layer().getTopCount() == 2) {
            throw ctx.unsupported("top[1]", "(the augmentation coefficients drawn) is not supported: give one top");
        }
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.AugmentationParameter q = ctx.layer().getAugmentationParam();
        if (!q.getWriteAugmented().isEmpty()) {
            throw ctx.unsupported(f + "write_augmented", "writes the augmented images to files; remove it");
        }
        if (!q.getWriteMean().isEmpty()) {
            throw ctx.unsupported(f + "write_mean", "writes the mean to a file; remove it");
        }
        // The fork crops only when both sizes are given, and augments only when it crops.
        boolean crop = q.hasCropWidth() && q.hasCropHeight();
        int cropWidth = 0, cropHeight = 0;
        if (crop) {
            cropWidth = cropSize(ctx, f + "crop_width", q.getCropWidth());
            cropHeight = cropSize(ctx, f + "crop_height", q.getCropHeight());
            if (q.getAugmentDuringTest()) {
                for (var field : q.getAllFields().keySet()) {
                    if (field.getJavaType() == com.google.protobuf.Descriptors.FieldDescriptor.JavaType.MESSAGE
                            && field.getMessageType() == Caffe.RandomGeneratorParameter.getDescriptor()) {
                        throw ctx.unsupported(f + field.getName(), "is a random augmentation applied at test time "
                                + "(augment_during_test: true with a crop): the fork draws new coefficients on every "
                                + "pass, so the answer is not a function of the input; remove the field, or "
                                + "augment_during_test");
                    }
                }
            }
        }
        long recompute = Integer.toUnsignedLong(q.getRecomputeMean());
        if (recompute > 0) {
            if (q.getMeanCount() > 0) {
                throw ctx.invalid(f + "mean", "is ignored by the fork when recompute_mean is set (it subtracts the "
                        + "learnt mean); remove one of them");
            }
            return new Params(cropWidth, cropHeight, Mean.LEARNT, q.getMeanPerPixel(), recompute, null);
        }
        if (q.getMeanCount() > 0) {
            if (q.getMeanCount() != 3 || q.getMeanPerPixel()) {
                throw ctx.invalid(f + "mean", "has " + q.getMeanCount() + " value(s)" + (q.getMeanPerPixel()
                        ? " with mean_per_pixel true (the default)" : "") + "; the fork subtracts it only as 3 "
                        + "per-channel values with mean_per_pixel: false, and silently ignores it otherwise");
            }
            float[] mean = new float[3];
            for (int c = 0; c < 3; c++) {
                mean[c] = q.getMean(c);
            }
            return new Params(cropWidth, cropHeight, Mean.PROTOTXT, false, 0, mean);
        }
        return new Params(cropWidth, cropHeight, Mean.NONE, false, 0, null);
    }

    private static int cropSize(LayerContext ctx, String field, int value) {
        if (value < 1 || value > (1 << 24)) {
            throw ctx.invalid(field, "is " + Integer.toUnsignedString(value) + "; must be 1 to 2^24");
        }
        return value;
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        if (x.rank() != 4) {
            throw ctx.invalid("bottom[0]", "has shape " + x + "; DataAugmentation needs N x C x H x W");
        }
        if (p.mean() == Mean.PROTOTXT && x.dim(1) != 3) {
            throw ctx.invalid("augmentation_param.mean", "has 3 values but bottom[0] has " + x.dim(1)
                    + " channels");
        }
        if (p.cropWidth() == 0) {
            return List.of(x);
        }
        if (p.cropWidth() > x.dim(3) || p.cropHeight() > x.dim(2)) {
            throw ctx.invalid("augmentation_param.crop_width", "x crop_height (" + p.cropWidth() + " x "
                    + p.cropHeight() + ") is larger than the input (" + x.dim(3) + " x " + x.dim(2) + ")");
        }
        return List.of(Shape.of(x.dim(0), x.dim(1), p.cropHeight(), p.cropWidth()));
    }

    @Override
    public List<Shape> weightShapes(Params p, List<Shape> in) {
        if (p.mean() != Mean.LEARNT) {
            return List.of();
        }
        Shape x = in.get(0);
        int h = p.cropWidth() == 0 ? x.dim(2) : p.cropHeight(), w = p.cropWidth() == 0 ? x.dim(3) : p.cropWidth();
        return List.of(Shape.of(1, 1, 1, 1), Shape.of(1, x.dim(1), h, w), Shape.of(1, x.dim(1), 1, 1));
    }

    /**
     * The fork's adjust_blobs: the iteration count must have reached recompute_mean (else the fork would still be
     * learning the mean); a per-pixel mean stored at another size becomes its per-channel average, spread.
     */
    @Override
    public List<Blob> adaptWeights(Params p, List<Shape> in, List<Blob> stored, LayerContext ctx) {
        Blob count = stored.get(0), perPixel = stored.get(1), perChannel = stored.get(2);
        if (count.data().length != 1) {
            throw ctx.invalid("blobs[0]", "has shape " + count.shape() + "; the fork stores its iteration count as "
                    + "one value");
        }
        double iterations = count.data()[0];
        // The fork counts this pass first, then recomputes the mean while the count is <= recompute_mean.
        if (!(iterations + 1 > p.recomputeMean())) {
            throw ctx.unsupported("augmentation_param.recompute_mean", "is " + p.recomputeMean() + " but the "
                    + "caffemodel's iteration count (blobs[0]) is " + (long) iterations + ": the fork would go on "
                    + "averaging the mean over the images it is given, so answers would depend on earlier inputs; "
                    + "give a caffemodel trained past recompute_mean iterations");
        }
        List<Shape> want = weightShapes(p, in);
        int channels = want.get(2).dim(1);
        if (perChannel.data().length != channels || perPixel.shape().rank() != 4 || perPixel.shape().dim(1) != channels) {
            throw ctx.invalid("blobs", "hold a mean of shape " + perPixel.shape() + " / " + perChannel.shape()
                    + "; expected " + channels + " channels (" + want.get(1) + " / " + want.get(2) + ")");
        }
        if (!p.perPixel()) {
            // Only the per-channel mean is used; the per-pixel one becomes its spread so that the shapes agree.
            return List.of(count, spread(perChannel.data(), want.get(1)), new Blob(want.get(2), perChannel.data(), false));
        }
        if (perPixel.shape().equals(want.get(1))) {
            return List.of(count, perPixel, new Blob(want.get(2), channelMeans(perPixel), false));
        }
        float[] means = channelMeans(perPixel);
        return List.of(count, spread(means, want.get(1)), new Blob(want.get(2), means, false));
    }

    /** The fork's gemv with alpha 1/area: each channel's sum (in float), times 1/area. */
    private static float[] channelMeans(Blob perPixel) {
        int channels = perPixel.shape().dim(1);
        int area = perPixel.data().length / channels;
        float[] out = new float[channels];
        for (int c = 0; c < channels; c++) {
            float sum = 0;
            for (int i = 0; i < area; i++) {
                sum += perPixel.data()[c * area + i];
            }
            out[c] = sum * (1f / area);
        }
        return out;
    }

    private static Blob spread(float[] perChannel, Shape shape) {
        int area = shape.dim(2) * shape.dim(3);
        float[] out = new float[perChannel.length * area];
        for (int c = 0; c < perChannel.length; c++) {
            java.util.Arrays.fill(out, c * area, (c + 1) * area, perChannel[c]);
        }
        return new Blob(shape, out, false);
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        Shape x = ctx.inputShapes().get(0), y = ctx.outputShapes().get(0);
        int num = x.dim(0), channels = x.dim(1);
        int plane = y.dim(2) * y.dim(3);
        List<Blob> w = ctx.weights();
        float[] mean = switch (p.mean()) {
            case NONE -> null;
            case PROTOTXT -> p.protoMean();
            case LEARNT -> p.perPixel() ? w.get(1).data() : w.get(2).data();
        };
        boolean perPixel = p.mean() == Mean.LEARNT && p.perPixel();
        return (inputs, outputs, par) -> {
            if (p.cropWidth() == 0) {
                if (outputs[0] != inputs[0]) {
                    System.arraycopy(inputs[0], 0, outputs[0], 0, num * channels * plane);
                }
            } else {
                DataAugmentationReference.crop(inputs[0], num * channels, x.dim(2), x.dim(3), p.cropHeight(),
                        p.cropWidth(), outputs[0]);
            }
            if (mean != null && perPixel) {
                DataAugmentationReference.subtractPerPixel(outputs[0], num, mean);
            } else if (mean != null) {
                DataAugmentationReference.subtractPerChannel(outputs[0], num, channels, plane, mean);
            }
        };
    }

    @Override
    public boolean inPlaceCapable() {
        return false;
    }
}
