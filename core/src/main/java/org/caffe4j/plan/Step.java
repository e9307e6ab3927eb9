package org.caffe4j.plan;

import org.caffe4j.ir.Node;
import org.caffe4j.ops.LayerKernel;

/**
 * One kernel invocation: reads buffers {@code inputSlots}, writes buffers {@code outputSlots}. {@code fusedRelu}
 * names the in-place ReLU layer folded into this step, if any (for per-layer timing tables).
 */
public record Step(Node node, LayerKernel kernel, int[] inputSlots, int[] outputSlots, String fusedRelu,
                   long multiplyAdds) {
}
