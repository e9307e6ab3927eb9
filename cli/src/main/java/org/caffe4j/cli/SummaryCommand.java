package org.caffe4j.cli;

import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Graph;
import org.caffe4j.ir.Node;
import org.caffe4j.ir.Shape;
import org.caffe4j.ir.Value;
import org.caffe4j.runtime.Footprint;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.ModelFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "summary", mixinStandardHelpOptions = true, description = "Print every layer with bottoms -> tops, output shape, parameter count and "
        + "multiply-adds (convolutions and inner products), with totals.")
final class SummaryCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NET", description = "net definition (.prototxt; any Caffe dialect, train_val or deploy)")
    Path net;

    @Parameters(index = "1", arity = "0..1", paramLabel = "WEIGHTS", description = "trained weights (.caffemodel), optional")
    Path weights;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Mixin
    ModelOptions modelOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LoadOptions options = modelOptions.toLoadOptions();
        ModelFiles.Imported imported = ModelFiles.importModel(net, weights, options);
        Graph g = imported.graph();
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> rows = new ArrayList<>();
        long totalParams = 0, totalMacs = 0;
        for (Node n : g.nodes()) {
            List<Shape> in = n.inputs().stream().map(Value::shape).toList();
            List<Shape> outs = n.outputs().stream().map(Value::shape).toList();
            long params = 0;
            List<Shape> ws = n.weights().isEmpty() ? imported.ops().opOf(n).weightShapes(n.params(), in)
                    : n.weights().stream().map(Blob::shape).toList();
            for (Shape s : ws) {
                params += s.count();
            }
            long macs = imported.ops().opOf(n).multiplyAdds(n.params(), in, outs);
            totalParams += params;
            totalMacs += macs;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layer", n.name());
            row.put("type", n.type());
            row.put("bottoms", n.inputs().stream().map(Value::blob).toList());
            row.put("tops", n.outputs().stream().map(Value::blob).toList());
            row.put("output_shape", outs.stream().map(Shape::toString).toList());
            row.put("params", params);
            row.put("macs", macs);
            rows.add(row);
        }
        Footprint footprint = null;
        if (weights != null) {
            try (Model model = Model.of(imported, options)) {
                footprint = model.footprint(Map.of());
            }
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", g.name());
            o.put("inputs", g.inputs().stream().map(v -> Map.of("blob", v.blob(), "shape", v.shape().toString())).toList());
            o.put("outputs", g.outputs().stream().map(v -> Map.of("blob", v.blob(), "shape", v.shape().toString())).toList());
            o.put("layers", rows);
            o.put("total_params", totalParams);
            o.put("total_macs", totalMacs);
            if (footprint != null) {
                o.put("loaded_weight_bytes", footprint.loadedWeightBytes());
                o.put("kernel_weight_bytes", footprint.kernelWeightBytes());
                o.put("activation_bytes", footprint.activationBytes());
                o.put("resident_bytes", footprint.residentBytes());
            }
            o.put("notes", imported.notes());
            out.println(JsonWriter.write(o));
            return 0;
        }
        for (String note : imported.notes()) {
            out.println("# " + note);
        }
        String fmt = "%-14s %-13s %-28s %-16s %12s %15s%n";
        out.printf(fmt, "layer", "type", "bottoms -> tops", "output", "params", "mult-adds");
        for (Map<String, Object> r : rows) {
            String io = String.join(",", castList(r.get("bottoms"))) + " -> " + String.join(",", castList(r.get("tops")));
            out.printf(fmt, r.get("layer"), r.get("type"), io, String.join(",", castList(r.get("output_shape"))),
                    String.format("%,d", (Long) r.get("params")), String.format("%,d", (Long) r.get("macs")));
        }
        out.printf("total: %,d parameters, %,d multiply-adds (%.2f GFLOP) per forward pass%n", totalParams, totalMacs,
                2.0 * totalMacs / 1e9);
        out.println("inputs: " + String.join(", ", g.inputs().stream().map(v -> v.blob() + " " + v.shape()).toList()));
        out.println("outputs: " + String.join(", ", g.outputs().stream().map(v -> v.blob() + " " + v.shape()).toList()));
        if (footprint != null) {
            out.println("resident: " + footprint.describe());
        }
        boolean softmax = g.nodes().stream().anyMatch(n -> n.type().equals("Softmax"));
        if (!softmax) {
            out.println("note: the net has no Softmax layer, so its outputs are scores, not probabilities; "
                    + "--add-softmax appends one");
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return (List<String>) o;
    }
}
