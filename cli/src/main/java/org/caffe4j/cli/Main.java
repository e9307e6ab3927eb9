package org.caffe4j.cli;

import org.caffe4j.CaffeModelException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Entry point of the {@code caffe4j} command. Every verb is one picocli command class listed here; each is a thin
 * shell over the library API. Errors print one line, {@code error: ...}, on stderr and exit non-zero; {@code --debug}
 * adds the stack trace.
 */
@Command(name = "caffe4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Import and run Caffe models in pure Java.",
        footer = {"", "Options for every command: --debug (stack traces), --plugins JAR|DIR (layer plug-ins; also",
                "CAFFE4J_PLUGINS=PATH" + "[:PATH...])."},
        subcommands = {
                SummaryCommand.class,
                RunCommand.class,
                VerifyCommand.class,
                UpgradeCommand.class,
                BenchCommand.class,
                FetchCommand.class,
                ClassifyCommand.class,
                DetectCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {
    /** Exit code for bad input (a model, image or option the user gave). */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for an internal failure. */
    public static final int EXIT_INTERNAL = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see --help)");
    }

    /** The version from the POM, filtered into a resource at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = Main.class.getResourceAsStream("/org/caffe4j/version.properties")) {
                if (in == null) {
                    throw new IOException("org/caffe4j/version.properties is missing from the build");
                }
                p.load(in);
            }
            return new String[] {"caffe4j " + p.getProperty("version")};
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests too). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(args, out, err, System.getenv("CAFFE4J_PLUGINS"));
    }

    /** As {@link #execute(String[], PrintWriter, PrintWriter)}, with {@code CAFFE4J_PLUGINS}'s value given. */
    static int execute(String[] args, PrintWriter out, PrintWriter err, String pluginsVariable) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        String[] rest = java.util.Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        java.util.List<String> pluginPaths = PluginJars.fromEnvironment(pluginsVariable);
        java.net.URLClassLoader plugins = null;
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        try {
            rest = PluginJars.extract(rest, pluginPaths);
            if (!pluginPaths.isEmpty()) {
                plugins = PluginJars.loader(pluginPaths, Main.class.getClassLoader());
                // Model loading looks plug-ins up through the context class loader (LoadOptions.pluginLoader).
                Thread.currentThread().setContextClassLoader(plugins);
            }
            return run(rest, out, err, debug);
        } catch (IllegalArgumentException | IOException e) {
            err.println("error: " + describe(e));
            err.flush();
            return EXIT_BAD_INPUT;
        } finally {
            Thread.currentThread().setContextClassLoader(context);
            if (plugins != null) {
                try {
                    plugins.close();
                } catch (IOException ignored) {
                    // the jars were only read
                }
            }
        }
    }

    private static int run(String[] rest, PrintWriter out, PrintWriter err, boolean debug) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            err.flush();
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            err.println("error: " + describe(ex));
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return isUserError(ex) ? EXIT_BAD_INPUT : EXIT_INTERNAL;
        });
        int code;
        try {
            code = cl.execute(rest);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // picocli hands only Exceptions to the handler above; a JVM Error still ends in one line.
            err.println("error: " + describe(e));
            if (debug) {
                e.printStackTrace(err);
            }
            code = EXIT_BAD_INPUT;
        }
        out.flush();
        err.flush();
        return code;
    }

    static boolean isUserError(Throwable ex) {
        return ex instanceof CaffeModelException || ex instanceof IOException || ex instanceof UncheckedIOException
                || ex instanceof IllegalArgumentException;
    }

    /** One line that says what went wrong, without the exception class unless nothing better is known. */
    static String describe(Throwable ex) {
        Throwable t = ex instanceof UncheckedIOException && ex.getCause() != null ? ex.getCause() : ex;
        if (t instanceof NoSuchFileException) {
            return t.getMessage() + ": no such file";
        }
        if (t instanceof AccessDeniedException) {
            return t.getMessage() + ": permission denied";
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory (" + t.getMessage() + "; the heap allows " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MB); raise it with CAFFE4J_JAVA_OPTS=-Xmx...";
        }
        if (t instanceof StackOverflowError) {
            return "the input nests too deeply to process (stack overflow)";
        }
        String msg = t.getMessage();
        if (msg == null || msg.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return msg.replace('\n', ' ');
    }
}
