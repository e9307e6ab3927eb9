package org.caffe4j.verify;

import org.caffe4j.ShapeException;
import org.caffe4j.files.Npy;
import org.caffe4j.runtime.LayerInfo;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Runs a model on a golden set's input and compares every blob with the golden values. */
public final class GoldenVerifier {
    private GoldenVerifier() {
    }

    /**
     * The set's further inputs (meta.json {@code extra_inputs}, a net with several) are fed as well.
     *
     * @param input     the input array, or null to use the one the golden set's meta.json names
     * @param inputBlob the input blob, or null for meta.json's, else the model's first input
     */
    public static Comparison verify(Model model, GoldenSet golden, Npy.Array input, String inputBlob, Tolerances tol)
            throws IOException {
        String blob = inputBlob != null ? inputBlob : golden.inputBlob().orElse(model.inputNames().get(0));
        Npy.Array x = input;
        if (x == null) {
            Path file = golden.inputFile().orElseThrow(() -> new IllegalArgumentException("golden set "
                    + golden.dir() + " names no input file in meta.json; give the input explicitly"));
            x = Npy.read(file);
        }
        if (!model.inputNames().contains(blob)) {
            throw new ShapeException("the net has no input blob '" + blob + "' (its inputs: " + model.inputNames() + ")");
        }
        Map<String, Npy.Array> fed = new LinkedHashMap<>();
        fed.put(blob, x);
        for (Map.Entry<String, Path> e : golden.extraInputs().entrySet()) {
            if (!e.getKey().equals(blob)) {
                fed.put(e.getKey(), Npy.read(e.getValue()));
            }
        }
        Map<String, Tensor> feed = new LinkedHashMap<>();
        fed.forEach((name, a) -> feed.put(name, new Tensor(a.shape(), a.data())));
        Map<String, Tensor> all = model.runAllBlobs(feed);
        Map<String, Npy.Array> actual = new LinkedHashMap<>();
        fed.forEach((name, a) -> {
            if (!all.containsKey(name)) {
                actual.put(name, a); // an input blob's final value is the input itself
            }
        });
        all.forEach((name, t) -> actual.put(name, new Npy.Array(t.shape(), t.data())));
        // DetectionOutput tops compare as sets of detections: their row order and padding are each runtime's own.
        Set<String> detections = new HashSet<>();
        for (LayerInfo layer : model.describe().layers()) {
            if (layer.type().equals("DetectionOutput")) {
                detections.addAll(layer.tops());
            }
        }
        return new BlobComparator(tol, detections).compare(actual, golden);
    }
}
