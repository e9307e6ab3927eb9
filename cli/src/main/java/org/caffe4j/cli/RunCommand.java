package org.caffe4j.cli;

import org.caffe4j.files.Npy;
import org.caffe4j.runtime.LoadOptions;
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

@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a net on a .npy input and write output blobs as .npy files "
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
        Map<String, Npy.Array> arrays = readArrays(inputs);
        // One forward pass in a new process: the one-shot kernels answer before the JIT has compiled vector ones.
        LoadOptions options = withArrayShapes(modelOptions.toLoadOptions(), arrays).withOneShot(true);
        try (Model model = Model.load(net, weights, options)) {
            modelOptions.reportIgnoredFields(model.notes(), spec.commandLine().getErr());
            Map<String, Tensor> feed = feed(model, arrays);
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

    /**
     * Reads --input values ("X.npy" for the first input, or "BLOB=X.npy"), keyed by blob name or
     * {@link LoadOptions#FIRST_INPUT}.
     */
    static Map<String, Npy.Array> readArrays(java.util.List<String> specs) throws java.io.IOException {
        Map<String, Npy.Array> arrays = new LinkedHashMap<>();
        for (String s : specs) {
            int eq = s.indexOf('=');
            String blob = eq < 0 ? LoadOptions.FIRST_INPUT : s.substring(0, eq);
            if (arrays.put(blob, Npy.read(Path.of(eq < 0 ? s : s.substring(eq + 1)))) != null) {
                throw new IllegalArgumentException("--input '" + s + "': "
                        + (blob.isEmpty() ? "the first input" : "input '" + blob + "'") + " is given twice");
            }
        }
        return arrays;
    }

    /**
     * The options with each input's shape taken from its array, unless shapes were given explicitly: a train_val
     * whose data layer has no crop_size, or an {@code input:} without dimensions, then loads at the array's size
     * (the net would be reshaped to it anyway, as Caffe does). A 3-D array (C x H x W) is one example.
     */
    static LoadOptions withArrayShapes(LoadOptions options, Map<String, Npy.Array> arrays) {
        if (options.inputShapes() != null) {
            return options;
        }
        Map<String, int[]> shapes = new LinkedHashMap<>();
        arrays.forEach((blob, a) -> shapes.put(blob, withBatchAxis(a.shape())));
        return options.withInputShapes(shapes);
    }

    private static int[] withBatchAxis(int[] shape) {
        return shape.length == 3 ? new int[] {1, shape[0], shape[1], shape[2]} : shape;
    }

    /** The arrays as the model's input tensors, checked against the model's input shapes. */
    static Map<String, Tensor> feed(Model model, Map<String, Npy.Array> arrays) {
        Map<String, Tensor> feed = new LinkedHashMap<>();
        for (Map.Entry<String, Npy.Array> e : arrays.entrySet()) {
            String blob = e.getKey().equals(LoadOptions.FIRST_INPUT) ? model.inputNames().get(0) : e.getKey();
            if (!model.inputNames().contains(blob)) {
                throw new IllegalArgumentException("--input: the net has no input '" + blob + "' (its inputs: "
                        + String.join(", ", model.inputNames()) + ")");
            }
            Npy.Array a = e.getValue();
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
                throw new IllegalArgumentException("--input: the array for input '" + blob + "' has shape "
                        + java.util.Arrays.toString(a.shape()) + "; the net expects " + want.length
                        + " dimensions like " + java.util.Arrays.toString(want));
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
