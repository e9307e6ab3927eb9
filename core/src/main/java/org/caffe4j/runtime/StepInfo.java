package org.caffe4j.runtime;

import java.util.List;

/**
 * One step of a model's execution plan, read-only: the layer it runs, the per-channel affine layers folded into its
 * weights (BatchNorm, Scale; empty when none), the in-place ReLU it applies (or null), the Concat whose buffer it
 * writes its top into (or null: that Concat then has no step of its own), and what it costs:
 * multiply-adds and the bytes of weights its kernel reads per pass. {@link Model#runTimed} reports the steps by
 * their {@link #index}.
 */
public record StepInfo(int index, String layer, String type, List<String> folded, String fusedRelu, String concat,
                       long multiplyAdds, long weightBytes) {
    public StepInfo {
        folded = List.copyOf(folded);
    }

    /** "conv1", "conv1+relu1", "conv1+conv1/bn+conv1/scale+relu1" or "fire2/expand1x1+fire2/relu>fire2/concat". */
    public String label() {
        StringBuilder s = new StringBuilder(layer);
        folded.forEach(f -> s.append('+').append(f));
        if (fusedRelu != null) {
            s.append('+').append(fusedRelu);
        }
        return concat == null ? s.toString() : s.append('>').append(concat).toString();
    }
}
