package org.caffe4j.runtime;

/**
 * One step of a model's execution plan, read-only: the layer it runs, the in-place ReLU folded into it (or null),
 * and what it costs: multiply-adds and the bytes of weights its kernel reads per pass. {@link Model#runTimed} reports
 * the steps by their {@link #index}.
 */
public record StepInfo(int index, String layer, String type, String fusedRelu, long multiplyAdds, long weightBytes) {
    /** "conv1" or "conv1+relu1". */
    public String label() {
        return layer + (fusedRelu == null ? "" : "+" + fusedRelu);
    }
}
