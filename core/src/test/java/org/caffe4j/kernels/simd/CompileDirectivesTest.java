package org.caffe4j.kernels.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code -Dcaffe4j.jitDirectives=true} makes a model that keeps running add the foreground-compilation directive to
 * its JVM, once; without it, or for a one-shot model, the JVM's directives stay as they were. Each case runs in a JVM
 * of its own, since a directive, once added, applies to the whole JVM.
 */
class CompileDirectivesTest {
    /** Loads LeNet (one-shot if the argument says so), then prints what the JVM's directive stack holds. */
    public static void main(String[] args) throws Exception {
        try (Model model = Model.load(Path.of("testdata/lenet_mnist/lenet.prototxt"),
                Path.of("testdata/lenet_mnist/lenet_iter_10000.caffemodel"),
                LoadOptions.defaults().withOneShot(args.length > 0 && args[0].equals("one-shot")))) {
            boolean added = CompileDirectives.outcome().get(30, TimeUnit.SECONDS);
            String stack = CompileDirectives.printed();
            int ours = stack.indexOf("matching: jdk/incubator/vector/*.*, org/caffe4j/kernels/simd/*.*");
            String c2 = ours < 0 ? "" : stack.substring(stack.indexOf("c2 directives:", ours));
            String c2Line = c2.lines().filter(l -> l.contains("BackgroundCompilation:")).findFirst().orElse("");
            System.out.println("added=" + added + " listed=" + (ours >= 0)
                    + " c2-foreground=" + c2Line.contains("BackgroundCompilation:false")
                    + " directives=" + stack.lines().filter(l -> l.startsWith("Directive")).count());
        }
    }

    @Test
    void thePropertyIsTrueOrAbsent() {
        assertTrue(CompileDirectives.wanted("true"));
        assertTrue(CompileDirectives.wanted(" TRUE "));
        assertFalse(CompileDirectives.wanted(null));
        assertFalse(CompileDirectives.wanted(""));
        assertFalse(CompileDirectives.wanted("false"));
        assertFalse(CompileDirectives.wanted("yes"));
    }

    @Test
    @Timeout(120)
    void aModelThatKeepsRunningAddsTheDirectiveWhenAskedTo() throws Exception {
        assertEquals("added=true listed=true c2-foreground=true directives=2", run(true, false));
    }

    @Test
    @Timeout(120)
    void withoutThePropertyOrForAOneShotModelTheJvmKeepsItsDirectives() throws Exception {
        assertEquals("added=false listed=false c2-foreground=false directives=1", run(false, false));
        assertEquals("added=false listed=false c2-foreground=false directives=1", run(true, true));
    }

    private static String run(boolean property, boolean oneShot) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector"));
        if (property) {
            cmd.add("-Dcaffe4j.jitDirectives=true");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CompileDirectivesTest.class.getName()));
        if (oneShot) {
            cmd.add("one-shot");
        }
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(100, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        // The JVM's stderr stays clean: the directive's answer goes back through the MBean, not to a stream.
        assertEquals("", err.lines().filter(l -> !l.startsWith("WARNING")).reduce("", String::concat), err);
        return new String(out, StandardCharsets.UTF_8).strip();
    }
}
