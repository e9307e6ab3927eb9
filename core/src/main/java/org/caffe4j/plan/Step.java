package org.caffe4j.plan;

import java.util.List;

import org.caffe4j.ir.Node;
import org.caffe4j.ops.LayerKernel;

/**
 * One kernel invocation: reads buffers {@code inputSlots}, writes buffers {@code outputSlots}, output 0 from
 * {@code outputOffset} on (non-zero only for a top placed in a Concat's buffer; {@code concat} then names that
 * Concat, else null). {@code folded} names the per-channel affine layers folded into this step's weights and
 * {@code fusedRelu} the in-place ReLU it applies, if any (for per-layer timing tables).
 */
public record Step(Node node, LayerKernel kernel, int[] inputSlots, int[] outputSlots, int outputOffset,
                   String concat, List<String> folded, String fusedRelu, long multiplyAdds) {
    public Step {
        folded = List.copyOf(folded);
    }
}
