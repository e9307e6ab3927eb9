package org.caffe4j.ir;

import java.util.List;

/**
 * One layer: its Caffe name and type, its parsed parameters (the immutable record of the op registered for that
 * type, which the plan looks up by type), its inputs and outputs, and its bound weight blobs. The raw Caffe layer it came from stays with the importer's input: node i of
 * a graph is layer i of the deploy net it was built from.
 */
public record Node(String name, String type, Object params, List<Value> inputs,
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
