package org.caffe4j.ir;

import org.caffe4j.ops.OpDefinition;

import java.util.List;

/**
 * One layer: its Caffe name and type, its parsed parameters (the op's own immutable record), its inputs and
 * outputs, and its bound weight blobs. The raw Caffe layer it came from stays with the importer's input: node i of
 * a graph is layer i of the deploy net it was built from.
 */
public record Node(String name, String type, OpDefinition<Object> op, Object params, List<Value> inputs,
                   List<Value> outputs, List<Blob> weights) {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        weights = List.copyOf(weights);
    }

    /** "layer 'conv1' (Convolution)", the prefix of every message about this node. */
    public String label() {
        return "layer '" + name + "' (" + type + ")";
    }
}
