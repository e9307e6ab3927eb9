package org.caffe4j.ops;

import org.caffe4j.CaffeModelException;
import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.dense.EmbedReference;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.List;

/**
 * Caffe's Embed: a lookup table. Every bottom value is a row index given as a float (truncated toward zero, as
 * Caffe's cast does), and the top appends an axis of num_output values: row {@code index} of the input_dim x
 * num_output weights, plus the bias. An index outside [0, input_dim) fails the run with an error naming the
 * layer and the value, where Caffe's release build would read past its weights.
 */
public final class EmbedOp implements OpDefinition<EmbedOp.Params> {
    public record Params(int numOutput, int inputDim, boolean biasTerm) {
    }

    @Override
    public String type() {
        return "Embed";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, 1);
        Caffe.EmbedParameter q = ctx.layer().getEmbedParam();
        int numOutput = positive(ctx, "embed_param.num_output", q.getNumOutput());
        int inputDim = positive(ctx, "embed_param.input_dim", q.getInputDim());
        if ((long) numOutput * inputDim > Shape.MAX_ELEMENTS) {
            throw ctx.invalid("embed_param.input_dim", "x num_output = " + inputDim + " x " + numOutput
                    + " weights are more than " + Shape.MAX_ELEMENTS);
        }
        return new Params(numOutput, inputDim, q.getBiasTerm());
    }

    private static int positive(LayerContext ctx, String field, int uint32) {
        long v = Integer.toUnsignedLong(uint32);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw ctx.invalid(field, "is " + v + "; must be set, positive and at most " + Integer.MAX_VALUE);
        }
        return (int) v;
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        Shape x = in.get(0);
        List<Long> d = new ArrayList<>();
        for (int v : x.dims()) {
            d.add((long) v);
        }
        d.add((long) p.numOutput());
        return List.of(Shape.checked(d.stream().mapToLong(Long::longValue).toArray(), ctx.label()));
    }

    @Override
    public List<Shape> weightShapes(Params p, List<Shape> in) {
        Shape w = Shape.of(p.inputDim(), p.numOutput());
        return p.biasTerm() ? List.of(w, Shape.of(p.numOutput())) : List.of(w);
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        int count = (int) ctx.inputShapes().get(0).count();
        float[] w = ctx.weights().get(0).data();
        float[] b = p.biasTerm() ? ctx.weights().get(1).data() : null;
        String layer = ctx.layerName();
        return (inputs, outputs, par) -> {
            int bad = EmbedReference.firstBadIndex(inputs[0], count, p.inputDim());
            if (bad >= 0) {
                throw new CaffeModelException("layer '" + layer + "' (Embed): bottom value " + inputs[0][bad]
                        + " at position " + bad + " is not an index in [0, embed_param.input_dim = "
                        + p.inputDim() + ")");
            }
            EmbedReference.forward(inputs[0], w, b, outputs[0], count, p.numOutput());
        };
    }
}
