package org.caffe4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public signatures of the packages the module exports (runtime is their door) name no internal type: no graph (ir),
 * plan, op, importer or protobuf class. The remaining ones are listed below to be removed, none to be added.
 */
class PublicApiTest {
    /** The packages the module exports (core/src/module/module-info.java), as "org.caffe4j" or "org.caffe4j.x". */
    static Set<String> exportedPackages() throws IOException {
        Matcher m = Pattern.compile("^\\s*exports (org\\.caffe4j[\\w.]*);", Pattern.MULTILINE)
                .matcher(Files.readString(Path.of("core/src/module/module-info.java")));
        Set<String> out = new TreeSet<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        assertTrue(out.contains("org.caffe4j.runtime") && out.contains("org.caffe4j.classify"), out.toString());
        return out;
    }

    private static final Pattern INTERNAL = Pattern.compile(
            "org\\.caffe4j\\.(ir|plan|ops|importer|io|proto|shaded|kernels)\\.[\\w.$]+|com\\.google\\.protobuf\\.[\\w.$]+");

    /** "Class.member -> internal type" still to hide: none; keep it so. */
    private static final Set<String> TO_REMOVE = Set.of();

    @Test
    void publicSignaturesNameNoInternalType() throws Exception {
        Set<String> found = new TreeSet<>();
        for (Class<?> c : userClasses()) {
            List<Object> members = new ArrayList<>();
            members.addAll(List.of(c.getDeclaredMethods()));
            members.addAll(List.of(c.getDeclaredConstructors()));
            members.addAll(List.of(c.getDeclaredFields()));
            for (Object m : members) {
                int mods = m instanceof Executable e ? e.getModifiers() : ((Field) m).getModifiers();
                if (!Modifier.isPublic(mods) && !Modifier.isProtected(mods)) {
                    continue;
                }
                String name = m instanceof Constructor<?> ? "<init>" : m instanceof Method me ? me.getName()
                        : ((Field) m).getName();
                List<Type> types = new ArrayList<>();
                if (m instanceof Method me) {
                    types.add(me.getGenericReturnType());
                }
                if (m instanceof Executable e) {
                    types.addAll(List.of(e.getGenericParameterTypes()));
                }
                if (m instanceof Field f) {
                    types.add(f.getGenericType());
                }
                for (Type t : types) {
                    Matcher mt = INTERNAL.matcher(t.getTypeName());
                    while (mt.find()) {
                        found.add(c.getName().substring(c.getPackageName().length() + 1) + "." + name + " -> "
                                + mt.group().replace("org.caffe4j.shaded.", ""));
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(TO_REMOVE), found,
                "internal types in public signatures (add none; remove the ones you have hidden from TO_REMOVE)");
    }

    /** Every public class and public nested class of the user-facing packages, from the sources' file names. */
    private static List<Class<?>> userClasses() throws IOException, ClassNotFoundException {
        List<Class<?>> out = new ArrayList<>();
        Path sources = Path.of("core/src/main/java");
        for (String pkg : exportedPackages()) {
            List<Path> files;
            try (Stream<Path> s = Files.list(sources.resolve(pkg.replace('.', '/')))) {
                files = s.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).toList();
            }
            for (Path f : files) {
                String simple = f.getFileName().toString().replace(".java", "");
                Class<?> c = Class.forName(pkg + "." + simple);
                addPublic(c, out);
            }
        }
        assertTrue(out.size() > 40, out.size() + " classes");
        return out;
    }

    private static void addPublic(Class<?> c, List<Class<?>> out) {
        if (!Modifier.isPublic(c.getModifiers())) {
            return;
        }
        out.add(c);
        for (Class<?> n : c.getDeclaredClasses()) {
            addPublic(n, out);
        }
    }
}
