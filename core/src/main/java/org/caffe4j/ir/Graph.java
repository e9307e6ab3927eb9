package org.caffe4j.ir;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable, shape-checked inference net: nodes in execution order (Caffe's layer order), the input values the
 * caller fills, and the output values nobody consumes. {@code finalValues} maps each Caffe blob name to its value
 * after the whole forward pass (after in-place layers), in network order. {@code source} is the definition file's
 * name, so that errors found when the net is later reshaped still name it.
 */
public record Graph(String name, String source, List<Node> nodes, List<Value> inputs, List<Value> outputs,
                    Map<String, Value> finalValues, List<String> warnings) {
    public Graph {
        nodes = List.copyOf(nodes);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        finalValues = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(finalValues));
        warnings = List.copyOf(warnings);
    }

    public Value input(String blob) {
        for (Value v : inputs) {
            if (v.blob().equals(blob)) {
                return v;
            }
        }
        return null;
    }
}
