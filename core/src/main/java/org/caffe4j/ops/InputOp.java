package org.caffe4j.ops;

import org.caffe4j.ir.Shape;
import org.caffe4j.proto.Caffe;

import java.util.ArrayList;
import java.util.List;

/** Caffe's Input layer: declares the net's input blobs and their shapes; the runtime fills them. */
public final class InputOp implements OpDefinition<InputOp.Params> {
    public record Params(List<Shape> shapes) {
    }

    @Override
    public String type() {
        return "Input";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(0, 0);
        ctx.requireTops(1, Integer.MAX_VALUE);
        Caffe.InputParameter p = ctx.layer().getInputParam();
        int tops = ctx.layer().getTopCount();
        if (p.getShapeCount() == 0) {
            // No shape in the definition (a legacy `input:` without dimensions): the user gives it at load time.
            return new Params(java.util.Collections.nCopies(tops, null));
        }
        if (p.getShapeCount() != 1 && p.getShapeCount() != tops) {
            throw ctx.invalid("input_param.shape", "has " + p.getShapeCount() + " entries for " + tops
                    + " tops; expected 1 (shared) or one per top");
        }
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < tops; i++) {
            Caffe.BlobShape s = p.getShape(p.getShapeCount() == 1 ? 0 : i);
            long[] dims = s.getDimList().stream().mapToLong(Long::longValue).toArray();
            shapes.add(Shape.checked(dims, ctx.label() + ": input_param.shape[" + i + "]"));
        }
        return new Params(List.copyOf(shapes));
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        return p.shapes();
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        return (inputs, outputs, par) -> {
            // Inputs are written by the runtime before the first layer runs.
        };
    }
}
