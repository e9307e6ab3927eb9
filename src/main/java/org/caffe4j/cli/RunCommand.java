package org.caffe4j.cli;

import org.caffe4j.io.Npy;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run", description = "Run a net on a .npy input and write output blobs as .npy files "
        + "(float32, C order, NCHW; file name = blob name with characters outside [A-Za-z0-9._-] replaced by _).")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NET", description = "net definition (.prototxt; a train_val is fine)")
    Path net;

    @Parameters(index = "1", paramLabel = "WEIGHTS", description = "trained weights (.caffemodel)")
    Path weights;

    @Option(names = "--input", required = true, paramLabel = "X.npy",
            description = "input array (repeatable as BLOB=X.npy for nets with several inputs); its first dimension is the batch")
    java.util.List<String> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (created if missing)")
    Path out;

    @Option(names = "--all-blobs", description = "write every blob's value after the forward pass, not only the outputs")
    boolean allBlobs;

    @Mixin
    ModelOptions modelOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Model model = Model.load(net, weights, modelOptions.toLoadOptions())) {
            Map<String, Tensor> feed = readInputs(model, inputs);
            Map<String, Tensor> result = allBlobs ? model.runAllBlobs(feed) : model.run(feed);
            Files.createDirectories(out);
            PrintWriter pw = spec.commandLine().getOut();
            for (Map.Entry<String, Tensor> e : result.entrySet()) {
                Path file = out.resolve(fileName(e.getKey()));
                Npy.write(file, e.getValue().shape(), e.getValue().data());
                pw.println(e.getKey() + " " + e.getValue().shapeString() + " -> " + file);
            }
        }
        return 0;
    }

    /** Reads --input values ("X.npy" for the first input, or "BLOB=X.npy"). */
    static Map<String, Tensor> readInputs(Model model, java.util.List<String> specs) throws java.io.IOException {
        Map<String, Tensor> feed = new LinkedHashMap<>();
        for (String s : specs) {
            int eq = s.indexOf('=');
            String blob = eq < 0 ? model.inputNames().get(0) : s.substring(0, eq);
            Path file = Path.of(eq < 0 ? s : s.substring(eq + 1));
            Npy.Array a = Npy.read(file);
            int[] want = model.inputShape(blob);
            int[] shape = a.shape();
            if (shape.length == want.length - 1) {
                // A single example without the batch axis.
                int[] s2 = new int[want.length];
                s2[0] = 1;
                System.arraycopy(shape, 0, s2, 1, shape.length);
                shape = s2;
            }
            if (shape.length != want.length) {
                throw new IllegalArgumentException(file + ": input '" + blob + "' has shape "
                        + java.util.Arrays.toString(a.shape()) + "; the net expects " + want.length + " dimensions like "
                        + java.util.Arrays.toString(want));
            }
            feed.put(blob, new Tensor(shape, a.data()));
        }
        return feed;
    }

    /** Blob name made safe as a file name: every character outside [A-Za-z0-9._-] becomes '_'. */
    static String fileName(String blob) {
        return blob.replaceAll("[^A-Za-z0-9._-]", "_") + ".npy";
    }
}
