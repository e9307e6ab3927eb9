package org.caffe4j.plan;

import java.util.List;

import org.caffe4j.ir.Node;
import org.caffe4j.ops.LayerKernel;

/**
 * One kernel invocation: reads buffers {@code inputSlots}, writes buffers {@code outputSlots}. {@code folded} names
 * the per-channel affine layers folded into this step's weights and {@code fusedRelu} the in-place ReLU it applies,
 * if any (for per-layer timing tables).
 */
public record Step(Node node, LayerKernel kernel, int[] inputSlots, int[] outputSlots, List<String> folded,
                   String fusedRelu, long multiplyAdds) {
    public Step {
        folded = List.copyOf(folded);
    }
}
