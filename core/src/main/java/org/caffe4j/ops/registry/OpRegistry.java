package org.caffe4j.ops.registry;

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

    public java.util.Set<String> types() {
        return ops.keySet();
    }
}
