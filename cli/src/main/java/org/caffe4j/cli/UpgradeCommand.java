package org.caffe4j.cli;

import org.caffe4j.files.AtomicFiles;
import org.caffe4j.runtime.ModelFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "upgrade", mixinStandardHelpOptions = true, description = "Write the V2 deploy prototxt (and a V2 caffemodel holding just the deploy "
        + "net's weights, with explicit shapes) for any Caffe dialect: what Caffe's upgrade_net_proto_text/binary do, "
        + "plus the train_val -> deploy derivation.")
final class UpgradeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NET", description = "net definition (.prototxt, any dialect)")
    Path net;

    @Parameters(index = "1", arity = "0..1", paramLabel = "WEIGHTS", description = "trained weights (.caffemodel), optional")
    Path weights;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (created if missing)")
    Path out;

    @Option(names = "--force", description = "overwrite existing output files")
    boolean force;

    @Mixin
    ModelOptions modelOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelFiles.Imported imported = ModelFiles.importModel(net, weights, modelOptions.toLoadOptions());
        Files.createDirectories(out);
        Path prototxt = out.resolve("deploy.prototxt");
        Path caffemodel = weights == null ? null : out.resolve(stem(weights.getFileName().toString()) + ".caffemodel");
        for (Path p : caffemodel == null ? List.of(prototxt) : List.of(prototxt, caffemodel)) {
            if (sameFile(p, net) || (weights != null && sameFile(p, weights))) {
                throw new IllegalArgumentException(p + ": refusing to overwrite an input file; choose another --out");
            }
            if (Files.exists(p) && !force) {
                throw new IllegalArgumentException(p + ": already exists (use --force to overwrite)");
            }
        }
        PrintWriter pw = spec.commandLine().getOut();
        writeAtomically(prototxt, imported.deployPrototxt().getBytes(StandardCharsets.UTF_8));
        pw.println("wrote " + prototxt);
        if (caffemodel != null) {
            writeAtomically(caffemodel, imported.deployCaffemodel());
            pw.println("wrote " + caffemodel);
        }
        for (String note : imported.notes()) {
            pw.println("# " + note);
        }
        return 0;
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name) + "_v2";
    }

    private static boolean sameFile(Path a, Path b) throws java.io.IOException {
        return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    }

    /** Writes to a temporary file beside the target, then renames, so a failure never leaves half a file. */
    static void writeAtomically(Path target, byte[] bytes) throws java.io.IOException {
        AtomicFiles.write(target, bytes);
    }
}
