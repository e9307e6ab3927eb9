package org.caffe4j.io;

import org.caffe4j.MalformedModelException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextFieldsTest {
    @Test
    void readsNestedMessagesScalarsStringsListsAndComments() {
        String text = """
                name: "net"  # a comment
                layer {
                  type: 'My"Type'
                  my_param < alpha: -1.5e-3 mode: FAST flag: true >
                  dims: [1, 2 ,3];
                  s: "a\\tb" "c"
                }
                """;
        List<TextFields.Field> top = TextFields.parse(text, "t.prototxt");
        assertEquals(2, top.size());
        assertEquals("net", top.get(0).value());
        TextFields.Field layer = top.get(1);
        assertTrue(layer.isMessage());
        assertEquals(2, layer.line());
        assertEquals("layer", text.substring(layer.start(), layer.start() + 5));
        assertTrue(text.substring(layer.start(), layer.end()).endsWith("}"));
        List<TextFields.Field> f = layer.fields();
        assertEquals("My\"Type", f.get(0).value());
        List<TextFields.Field> my = f.get(1).fields();
        assertEquals(List.of("-1.5e-3", "FAST", "true"), my.stream().map(TextFields.Field::value).toList());
        assertEquals(List.of("1", "2", "3"), f.stream().filter(x -> x.name().equals("dims")).map(TextFields.Field::value).toList());
        TextFields.Field s = f.get(f.size() - 1);
        assertEquals("a\tbc", s.value());
        assertFalse(s.isMessage());
    }

    @Test
    void syntaxErrorsNameFileLineAndColumn() {
        // The end of "  a: 1 " on line 2 is column 8.
        assertEquals("t.prototxt:2:8: missing '}' before the end of the file", assertThrows(MalformedModelException.class,
                () -> TextFields.parse("layer {\n  a: 1 ", "t.prototxt")).getMessage());
        assertTrue(assertThrows(MalformedModelException.class, () -> TextFields.parse("a 1", "t.prototxt"))
                .getMessage().startsWith("t.prototxt:1:3: expected ':' or '{' after 'a'"));
        assertTrue(assertThrows(MalformedModelException.class, () -> TextFields.parse("a: \"x", "t.prototxt"))
                .getMessage().contains("unterminated string"));
    }
}
