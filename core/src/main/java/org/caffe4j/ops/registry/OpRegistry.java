package org.caffe4j.ops.registry;

import org.caffe4j.CaffeModelException;
import org.caffe4j.ir.Node;
import org.caffe4j.ops.CustomLayerOp;
import org.caffe4j.ops.OpDefinition;
import org.caffe4j.spi.CustomLayer;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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

    /**
     * The built-in types plus every {@link CustomLayer} plug-in that {@code loader} finds through
     * {@link ServiceLoader}. A plug-in may not claim a built-in type, nor two plug-ins one type: either is refused
     * naming the classes and where they were loaded from.
     */
    public static OpRegistry withPlugins(ClassLoader loader) {
        Map<String, OpDefinition<?>> m = new TreeMap<>(BuiltinOps.REGISTRY.ops);
        Map<String, CustomLayer> plugins = new TreeMap<>();
        try {
            for (CustomLayer plugin : ServiceLoader.load(CustomLayer.class, loader)) {
                String type = plugin.type();
                if (type == null || type.isBlank()) {
                    throw new CaffeModelException("the plug-in " + where(plugin) + " names no layer type");
                }
                if (BuiltinOps.REGISTRY.ops.containsKey(type)) {
                    throw new CaffeModelException("the plug-in " + where(plugin) + " claims the layer type '" + type
                            + "', which caffe4j runs itself; plug-ins add types, they do not replace them");
                }
                CustomLayer other = plugins.put(type, plugin);
                if (other != null) {
                    throw new CaffeModelException("two plug-ins claim the layer type '" + type + "': " + where(other)
                            + " and " + where(plugin));
                }
                m.put(type, new CustomLayerOp(plugin));
            }
        } catch (ServiceConfigurationError e) {
            throw new CaffeModelException("a layer plug-in could not be loaded: " + e.getMessage(), e);
        }
        return plugins.isEmpty() ? BuiltinOps.REGISTRY : new OpRegistry(m);
    }

    private static String where(CustomLayer plugin) {
        java.security.CodeSource code = plugin.getClass().getProtectionDomain().getCodeSource();
        return plugin.getClass().getName() + (code == null || code.getLocation() == null ? ""
                : " (" + code.getLocation() + ")");
    }

    /** The plug-in types in this registry (their layers' own fields are read from the prototxt text). */
    public Set<String> customTypes() {
        Set<String> out = new TreeSet<>();
        ops.forEach((type, op) -> {
            if (op instanceof CustomLayerOp) {
                out.add(type);
            }
        });
        return Collections.unmodifiableSet(out);
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
