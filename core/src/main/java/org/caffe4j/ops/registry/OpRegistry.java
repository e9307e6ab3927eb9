package org.caffe4j.ops.registry;

import org.caffe4j.ir.Node;
import org.caffe4j.ops.OpDefinition;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Layer types by their Caffe type string. Immutable once built. */
public final class OpRegistry {
    private final Map<String, OpDefinition<?>> ops;

    private OpRegistry(Map<String, OpDefinition<?>> ops) {
        this.ops = Collections.unmodifiableMap(new TreeMap<>(ops));
    }

    /** The registry of every built-in layer type. */
    public static OpRegistry builtin() {
        return BuiltinOps.REGISTRY;
    }

    static OpRegistry of(OpDefinition<?>... defs) {
        Map<String, OpDefinition<?>> m = new TreeMap<>();
        for (OpDefinition<?> d : defs) {
            if (m.put(d.type(), d) != null) {
                throw new IllegalStateException("layer type registered twice: " + d.type());
            }
        }
        return new OpRegistry(m);
    }

    @SuppressWarnings("unchecked")
    public OpDefinition<Object> find(String type) {
        return (OpDefinition<Object>) ops.get(type);
    }

    /** The op of a node this registry's graph builder made. */
    public OpDefinition<Object> opOf(Node node) {
        OpDefinition<Object> op = find(node.type());
        if (op == null) {
            throw new IllegalStateException(node.label() + ": no op registered for the type");
        }
        return op;
    }

    public java.util.Set<String> types() {
        return ops.keySet();
    }
}
