package org.caffe4j.cli;

import org.caffe4j.fetch.WeightsFetcher;
import org.caffe4j.registry.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "fetch", mixinStandardHelpOptions = true, description = "Download a registered model's weights into the cache (verified by SHA-1 and size),"
        + " or import a copy you already have with --from.")
final class FetchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "registered model name (e.g. nin-imagenet)")
    String model;

    @Option(names = "--from", paramLabel = "FILE", description = "import this local copy instead of downloading (it is not modified)")
    Path from;

    @Option(names = "--force", description = "download again even if the cache already has the file")
    boolean force;

    @Option(names = {"--accept-checksum", "--no-verify"},
            description = "keep a file whose SHA-1 or size differs from the published values (prints a warning)")
    boolean acceptChecksum;

    @Option(names = "--stall-timeout", paramLabel = "SECONDS",
            description = "fail when no byte arrives for this long (default 30, or -D" + WeightsFetcher.STALL_TIMEOUT_PROPERTY + ")")
    String stallTimeout;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "fail when the whole download takes longer (default 1800, or -D" + WeightsFetcher.TIMEOUT_PROPERTY + ")")
    String timeout;

    @Option(names = "--max-bytes", paramLabel = "BYTES",
            description = "never download more than this (default 8 GiB, or -D" + WeightsFetcher.MAX_BYTES_PROPERTY + ")")
    Long maxBytes;

    @Mixin
    RegistryOptions registryOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelSpec m = registryOptions.registry().get(model);
        if (m.weightsShipped()) {
            if (from != null) {
                throw new IllegalArgumentException("model '" + m.name() + "' ships its weights (" + m.describe(m.weights().file())
                        + "); --from is for models whose weights are downloaded");
            }
            out.println(m.name() + ": weights ship with the model: " + m.describe(m.weights().file()));
            return 0;
        }
        WeightsFetcher fetcher = new WeightsFetcher(registryOptions.cacheDir(), err);
        WeightsFetcher.Options options = new WeightsFetcher.Options(force, acceptChecksum, registryOptions.progress());
        if (stallTimeout != null || timeout != null) {
            options = options.withDeadlines(
                    stallTimeout != null ? WeightsFetcher.parseSeconds(stallTimeout, "--stall-timeout") : options.stallTimeout(),
                    timeout != null ? WeightsFetcher.parseSeconds(timeout, "--timeout") : options.totalTimeout());
        }
        if (maxBytes != null) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("--max-bytes must be a positive number of bytes, got " + maxBytes);
            }
            options = options.withMaxBytes(maxBytes);
        }
        WeightsFetcher.Result r = from != null
                ? fetcher.importFrom(m.name(), m.weights(), from, options)
                : fetcher.fetch(m.name(), m.weights(), options);
        if (r.warning() != null) {
            err.println("warning: " + r.warning());
        }
        String what = !r.transferred() ? "already cached" : from != null ? "imported" : "downloaded";
        out.println(m.name() + ": " + what + ": " + r.file() + " (" + r.size() + " bytes"
                + (r.sha1() != null ? ", SHA-1 " + r.sha1() : "") + ")");
        return 0;
    }
}
