package org.caffe4j.ops;

import org.caffe4j.ir.Shape;

import java.util.Collections;
import java.util.List;

/** Caffe's Split: every top is a copy of the one bottom (Caffe shares the memory; here each top gets its own). */
public final class SplitOp implements OpDefinition<SplitOp.Params> {
    public record Params() {
    }

    @Override
    public String type() {
        return "Split";
    }

    @Override
    public Params parse(LayerContext ctx) {
        ctx.requireBottoms(1, 1);
        ctx.requireTops(1, Integer.MAX_VALUE);
        return new Params();
    }

    @Override
    public List<Shape> outputShapes(Params p, List<Shape> in, LayerContext ctx) {
        return Collections.nCopies(ctx.layer().getTopCount(), in.get(0));
    }

    /** Top 0 may take over the bottom's buffer; the other tops are copied from it first, then never written. */
    @Override
    public boolean inPlaceCapable() {
        return true;
    }

    @Override
    public LayerKernel reference(Params p, KernelContext ctx) {
        int n = (int) ctx.inputShapes().get(0).count();
        return (inputs, outputs, par) -> {
            for (float[] out : outputs) {
                if (out != inputs[0]) {
                    System.arraycopy(inputs[0], 0, out, 0, n);
                }
            }
        };
    }
}
