package org.caffe4j.runtime;

import org.caffe4j.ShapeException;
import org.caffe4j.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shapes whose buffers cannot fit in the heap are refused when planned, before any allocation, never an OOM. */
@Timeout(60)
class MemoryBudgetBadInputTest {
    @TempDir
    Path dir;

    /** 1x1x46000x46000 floats: 8 GB per buffer, far more than the test heap (-Xmx4g). */
    private static final String HUGE = """
            layer { name: "in" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 46000 dim: 46000 } } }
            layer { name: "act" type: "Sigmoid" bottom: "data" top: "act" }
            """;

    private static final String MESSAGE = ".*needs \\d+ MB, the heap allows \\d+ MB";

    @Test
    void declaredInputShapeTooLargeForTheHeap() throws Exception {
        Path net = Files.writeString(dir.resolve("huge.prototxt"), HUGE);
        try (Model m = Model.load(net, null)) {
            var e = assertThrows(ShapeException.class, () -> m.steps(Map.of()));
            assertTrue(e.getMessage().matches(MESSAGE), e.getMessage());
            assertTrue(e.getMessage().startsWith(net + ": layer '"), e.getMessage());
            assertTrue(e.getMessage().contains("data 1x1x46000x46000"), e.getMessage());
        }
    }

    @Test
    void reshapedInputTooLargeForTheHeap() throws Exception {
        Path net = Files.writeString(dir.resolve("small.prototxt"), HUGE.replace("46000", "8"));
        try (Model m = Model.load(net, null)) {
            var e = assertThrows(ShapeException.class, () -> m.steps(Map.of("data", new int[]{1, 1, 46000, 46000})));
            assertTrue(e.getMessage().matches(MESSAGE), e.getMessage());
            assertEquals(1, m.steps(Map.of()).size(), "the declared shape still plans");
        }
    }

    @Test
    void benchPrintsOneErrorLine() throws Exception {
        Path net = Files.writeString(dir.resolve("huge.prototxt"), HUGE);
        // The net has no weighted layer: a caffemodel with no layers is enough.
        Path weights = dir.resolve("none.caffemodel");
        Files.write(weights, org.caffe4j.proto.Caffe.NetParameter.newBuilder().setName("none").build().toByteArray());
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(new String[]{"bench", net.toString(), weights.toString(), "--warmup", "0", "--iterations", "1"},
                new PrintWriter(out), new PrintWriter(err));
        assertEquals(2, code, err.toString());
        String e = err.toString().strip();
        assertTrue(e.startsWith("error: " + net + ": layer '") && e.matches("error: " + MESSAGE), e);
        assertFalse(e.contains("\n"), e);
    }
}
