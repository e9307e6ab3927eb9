package org.caffe4j.cli;

import org.caffe4j.runtime.Footprint;
import org.caffe4j.runtime.BlobInfo;
import org.caffe4j.runtime.LayerInfo;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.NetInfo;
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
        NetInfo info = imported.describe();
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LayerInfo layer : info.layers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layer", layer.name());
            row.put("type", layer.type());
            row.put("bottoms", layer.bottoms());
            row.put("tops", layer.tops());
            row.put("output_shape", layer.outputs().stream().map(BlobInfo::shapeText).toList());
            row.put("params", layer.parameters());
            row.put("macs", layer.multiplyAdds());
            rows.add(row);
        }
        long totalParams = info.totalParameters(), totalMacs = info.totalMultiplyAdds();
        Footprint footprint = null;
        if (weights != null) {
            try (Model model = Model.of(imported, options)) {
                footprint = model.footprint(Map.of());
            }
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", info.name());
            o.put("inputs", info.inputs().stream().map(SummaryCommand::blobJson).toList());
            o.put("outputs", info.outputs().stream().map(SummaryCommand::blobJson).toList());
            o.put("layers", rows);
            o.put("total_params", totalParams);
            o.put("total_macs", totalMacs);
            if (footprint != null) {
                o.put("loaded_weight_bytes", footprint.loadedWeightBytes());
                o.put("kernel_weight_bytes", footprint.kernelWeightBytes());
                o.put("activation_bytes", footprint.activationBytes());
                o.put("resident_bytes", footprint.residentBytes());
            }
            o.put("notes", info.notes());
            out.println(JsonWriter.write(o));
            return 0;
        }
        for (String note : info.notes()) {
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
        out.println("inputs: " + String.join(", ", info.inputs().stream().map(v -> v.name() + " " + v.shapeText()).toList()));
        out.println("outputs: " + String.join(", ", info.outputs().stream().map(v -> v.name() + " " + v.shapeText()).toList()));
        if (footprint != null) {
            out.println("resident: " + footprint.describe());
        }
        boolean softmax = info.layers().stream().anyMatch(l -> l.type().equals("Softmax"));
        if (!softmax) {
            out.println("note: the net has no Softmax layer, so its outputs are scores, not probabilities; "
                    + "--add-softmax appends one");
        }
        return 0;
    }

    /** In this key order on every run (Map.of's iteration order changes from one JVM to the next). */
    private static Map<String, Object> blobJson(BlobInfo blob) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("blob", blob.name());
        m.put("shape", blob.shapeText());
        return m;
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return (List<String>) o;
    }
}
