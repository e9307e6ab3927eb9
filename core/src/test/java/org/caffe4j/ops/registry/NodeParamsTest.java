package org.caffe4j.ops.registry;

import org.caffe4j.ops.OpDefinition;
import org.junit.jupiter.api.Test;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parameters a graph node keeps are the op's own typed values: no protobuf message or enum inside the graph
 * (the importer reads the LayerParameter once, at the front door).
 */
class NodeParamsTest {
    @Test
    void noBuiltInOpKeepsAProtobufTypeInItsParameters() {
        OpRegistry registry = OpRegistry.builtin();
        Set<String> found = new TreeSet<>();
        int records = 0;
        int parameterless = 0;
        for (String type : registry.types()) {
            OpDefinition<Object> op = registry.find(type);
            Type params = paramsType(op.getClass());
            if (params == Object.class) {
                parameterless++; // AbsVal, TanH...: nothing kept
            } else if (params instanceof Class<?> c && c.isRecord()) {
                records++;
            } else {
                found.add(type + ": parameters of type " + params + ", not a record");
            }
            walk(type, params, found, new HashSet<>());
        }
        assertEquals(registry.types().size(), records + parameterless);
        assertTrue(records > 50, records + " ops keep a record");
        assertEquals(Set.of(), found, "protobuf types kept in node parameters");
    }

    /** The P of the op's OpDefinition&lt;P&gt;, directly or through a generic base class (ElementwiseUnaryOp&lt;P&gt;). */
    private static Type paramsType(Class<?> op) {
        for (Type t : op.getGenericInterfaces()) {
            // OpDefinition<P> itself or a sub-interface that passes P on (ElementwiseKernelsOp<P>).
            if (t instanceof ParameterizedType p && OpDefinition.class.isAssignableFrom((Class<?>) p.getRawType())
                    && p.getActualTypeArguments().length == 1) {
                return p.getActualTypeArguments()[0];
            }
        }
        if (op.getGenericSuperclass() instanceof ParameterizedType p
                && OpDefinition.class.isAssignableFrom((Class<?>) p.getRawType())) {
            return p.getActualTypeArguments()[0];
        }
        throw new AssertionError(op + ": no OpDefinition<P> found");
    }

    private static void walk(String type, Type t, Set<String> found, Set<Type> seen) {
        if (!seen.add(t)) {
            return;
        }
        if (t instanceof ParameterizedType p) {
            walk(type, p.getRawType(), found, seen);
            for (Type a : p.getActualTypeArguments()) {
                walk(type, a, found, seen);
            }
            return;
        }
        if (!(t instanceof Class<?> c)) {
            return;
        }
        Class<?> e = c.isArray() ? c.getComponentType() : c;
        if (e.getName().startsWith("org.caffe4j.proto.") || e.getName().contains(".protobuf.")) {
            found.add(type + ": " + e.getName());
        }
        if (e.isRecord()) {
            for (RecordComponent rc : e.getRecordComponents()) {
                walk(type, rc.getGenericType(), found, seen);
            }
        }
    }
}
