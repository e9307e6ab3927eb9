package org.caffe4j.cli;

import org.caffe4j.files.Npy;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.verify.Comparison;
import org.caffe4j.verify.GoldenSet;
import org.caffe4j.verify.GoldenVerifier;
import org.caffe4j.verify.Tolerances;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "verify", mixinStandardHelpOptions = true, description = {
        "Run a net and compare every blob with golden .npy files (as written by tools/golden/dump_blobs.py) in "
                + "network order. Prints blob, shape, max abs, max rel, mean abs, cosine and pass/fail, marks the "
                + "FIRST failing blob (where the error entered), and exits 1 if any blob fails, 0 if all pass.",
        "A blob passes when max|a-ref| <= atol*max(1,max|ref|) + rtol*|ref| element-wise, "
                + "mean|a-ref| <= mean-atol*max(1,mean|ref|), no value is NaN/infinite, and classifier-like blobs "
                + "(N x K or N x K x 1 x 1, K >= 5) keep their top-5."})
final class VerifyCommand implements Callable<Integer> {
    /** Exit code when the run differs from the golden data. */
    static final int EXIT_MISMATCH = 1;

    @Parameters(index = "0", paramLabel = "NET", description = "net definition (.prototxt; a train_val is fine)")
    Path net;

    @Parameters(index = "1", paramLabel = "WEIGHTS", description = "trained weights (.caffemodel)")
    Path weights;

    @Option(names = "--golden", required = true, paramLabel = "DIR",
            description = "golden folder: <blob>.npy files, plus meta.json for network order and the input")
    Path golden;

    @Option(names = "--input", paramLabel = "X.npy",
            description = "input array (default: the input file the golden meta.json names)")
    Path input;

    @Option(names = "--input-blob", paramLabel = "BLOB",
            description = "input blob (default: the golden meta.json's, else the net's first input)")
    String inputBlob;

    @Option(names = "--atol", paramLabel = "A", description = "max-abs tolerance relative to max(1, max|ref|) (default 1e-4)")
    Double atol;

    @Option(names = "--rtol", paramLabel = "R", description = "extra element-wise slack R*|ref| (default 0)")
    Double rtol;

    @Option(names = "--mean-atol", paramLabel = "M",
            description = "mean-abs tolerance relative to max(1, mean|ref|) (default 1e-5)")
    Double meanAtol;

    @Option(names = "--json", description = "print the report as JSON instead of a table")
    boolean json;

    @Mixin
    ModelOptions modelOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Tolerances tol = Tolerances.DEFAULT;
        tol = new Tolerances(atol != null ? atol : tol.atol(), rtol != null ? rtol : tol.rtol(),
                meanAtol != null ? meanAtol : tol.meanAtol());
        GoldenSet set = GoldenSet.open(golden);
        // The input array decides the input's shape where the definition leaves it open (a train_val without
        // crop_size), so it is read before the net is loaded.
        Path inputFile = input != null ? input : set.inputFile().orElse(null);
        String key = inputBlob != null ? inputBlob : input == null ? set.inputBlob().orElse(LoadOptions.FIRST_INPUT)
                : LoadOptions.FIRST_INPUT;
        Map<String, Npy.Array> arrays = new java.util.LinkedHashMap<>();
        if (inputFile != null) {
            arrays.put(key, Npy.read(inputFile));
        }
        // A net with several inputs (FlowNet's two images): the set's further inputs fix their shapes too.
        for (Map.Entry<String, Path> e : set.extraInputs().entrySet()) {
            arrays.putIfAbsent(e.getKey(), Npy.read(e.getValue()));
        }
        LoadOptions options = RunCommand.withArrayShapes(modelOptions.toLoadOptions(), arrays).withOneShot(true);
        Comparison c;
        try (Model model = Model.load(net, weights, options)) {
            modelOptions.reportIgnoredFields(model.notes(), spec.commandLine().getErr());
            String blob = inputBlob;
            Npy.Array x = null;
            if (!arrays.isEmpty()) {
                Map.Entry<String, Tensor> e = RunCommand.feed(model, arrays).entrySet().iterator().next();
                blob = e.getKey();
                x = new Npy.Array(e.getValue().shape(), e.getValue().data());
            }
            c = GoldenVerifier.verify(model, set, x, blob, tol);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonWriter.write(c.toReport()));
        } else {
            out.print(c.table());
        }
        out.flush();
        return c.passed() ? 0 : EXIT_MISMATCH;
    }
}
