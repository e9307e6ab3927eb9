package org.caffe4j.kernels.simd;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Asks HotSpot to compile the vector kernels and the Vector API's own methods with C2 in the foreground: a thread
 * that triggers such a compilation waits for it instead of going on in the interpreter or C1, where every vector
 * operation is a boxed object. Opt-in, {@code -Dcaffe4j.jitDirectives=true}, for a model that keeps running (not a
 * one-shot one, which runs the scalar twins): its warm-up then allocates a fraction of the garbage, but its first pass
 * and its compiled speed come later, partly because starting the platform MBean server takes a cold JVM some tenths
 * of a second (figures in bench/HISTORY.md, session 35). Worth it where the garbage costs more than the time: a tight
 * heap, several models warming up at once.
 *
 * <p>It is a JVM compiler directive (JEP 165) added once per JVM through the DiagnosticCommand MBean, as {@code jcmd
 * PID Compiler.directives_add} would, on a daemon thread. It matches {@code org/caffe4j/kernels/simd/*} and
 * {@code jdk/incubator/vector/*} (the latter also for other Vector API code in the same JVM) and changes nothing but
 * when C2's compilations of those methods run. A JVM without the DiagnosticCommand MBean (a runtime image without
 * {@code jdk.management}) keeps its directives, silently.
 */
public final class CompileDirectives {
    /** The directive, in the JSON dialect of {@code -XX:CompilerDirectivesFile}. */
    static final String DIRECTIVE = "[ { match: [\"org/caffe4j/kernels/simd/*.*\", \"jdk/incubator/vector/*.*\"],"
            + " c2: { BackgroundCompilation: false } } ]";

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final CompletableFuture<Boolean> ADDED = new CompletableFuture<>();

    private CompileDirectives() {
    }

    /** Whether the property asks for the directive: {@code true}, in any case. */
    static boolean wanted(String property) {
        return property != null && "true".equalsIgnoreCase(property.trim());
    }

    /**
     * Where {@code caffe4j.jitDirectives} is {@code true}, adds the directive on a daemon thread, the first time only
     * (later calls return at once); the result says whether the JVM took it (false at once where not asked for).
     */
    public static CompletableFuture<Boolean> addInBackground() {
        if (!wanted(System.getProperty("caffe4j.jitDirectives"))) {
            return CompletableFuture.completedFuture(false);
        }
        if (STARTED.compareAndSet(false, true)) {
            Thread t = new Thread(() -> ADDED.complete(add()), "caffe4j-jit-directives");
            t.setDaemon(true);
            t.start();
        }
        return ADDED;
    }

    /** The outcome of {@link #addInBackground} if a model has called it, else false at once; for tests. */
    static CompletableFuture<Boolean> outcome() {
        return STARTED.get() ? ADDED : CompletableFuture.completedFuture(false);
    }

    /** Adds the directive now: whether the JVM answered that it was added. */
    static boolean add() {
        Path file = null;
        try {
            file = Files.createTempFile("caffe4j-jit-", ".json");
            Files.writeString(file, DIRECTIVE, StandardCharsets.UTF_8);
            return diagnosticCommand("compilerDirectivesAdd", file.toString()).contains("1 compiler directives added");
        } catch (IOException | JMException | RuntimeException | LinkageError e) {
            return false; // the JVM keeps its default: background compilation, more garbage while warming up
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temporary file of 100 bytes
                }
            }
        }
    }

    /** The JVM's directive stack as {@code jcmd PID Compiler.directives_print} shows it, for tests. */
    static String printed() throws JMException {
        return diagnosticCommand("compilerDirectivesPrint");
    }

    /** A jcmd command through the DiagnosticCommand MBean ({@code Compiler.directives_add} is compilerDirectivesAdd). */
    private static String diagnosticCommand(String operation, String... arguments) throws JMException {
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), operation, new Object[] {arguments},
                new String[] {String[].class.getName()}));
    }
}
