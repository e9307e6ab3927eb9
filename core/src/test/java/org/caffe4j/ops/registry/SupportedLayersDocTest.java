package org.caffe4j.ops.registry;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SUPPORTED_LAYERS.md has one row per registered type, no more: adding a layer's row is not optional. */
class SupportedLayersDocTest {
    /** A table row's first cell: "| Convolution | ..."; the header and the separator are not types. */
    private static final Pattern ROW = Pattern.compile("^\\| ([A-Za-z0-9]+) \\|", Pattern.MULTILINE);

    @Test
    void everyRegisteredTypeHasItsRowAndEveryRowIsRegistered() throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher m = ROW.matcher(Files.readString(Path.of("SUPPORTED_LAYERS.md")));
        while (m.find()) {
            if (!m.group(1).equals("type")) {
                documented.add(m.group(1));
            }
        }
        assertEquals(new TreeSet<>(OpRegistry.builtin().types()), documented,
                "SUPPORTED_LAYERS.md's rows against BuiltinOps' types");
    }
}
