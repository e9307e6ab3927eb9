package org.caffe4j.cli;

import com.google.protobuf.TextFormat;
import org.caffe4j.io.AtomicFiles;
import org.caffe4j.ir.Node;
import org.caffe4j.ir.Shape;
import org.caffe4j.ir.Value;
import org.caffe4j.proto.Caffe;
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
        writeAtomically(prototxt, TextFormat.printer().printToString(imported.deploy()).getBytes(StandardCharsets.UTF_8));
        pw.println("wrote " + prototxt);
        if (caffemodel != null) {
            writeAtomically(caffemodel, weightsOf(imported).toByteArray());
            pw.println("wrote " + caffemodel);
        }
        for (String note : imported.notes()) {
            pw.println("# " + note);
        }
        return 0;
    }

    /** A V2 NetParameter with one layer per deploy layer that has weights, blobs in explicit (non-legacy) shapes. */
    static Caffe.NetParameter weightsOf(ModelFiles.Imported imported) {
        Caffe.NetParameter.Builder b = Caffe.NetParameter.newBuilder().setName(imported.deploy().getName());
        for (Node n : imported.graph().nodes()) {
            if (n.weights().isEmpty()) {
                continue;
            }
            Caffe.LayerParameter.Builder l = Caffe.LayerParameter.newBuilder().setName(n.name()).setType(n.type())
                    .addAllBottom(n.layer().getBottomList()).addAllTop(n.layer().getTopList());
            List<Shape> expected = n.op().weightShapes(n.params(), n.inputs().stream().map(Value::shape).toList());
            for (int i = 0; i < n.weights().size(); i++) {
                Caffe.BlobProto.Builder blob = Caffe.BlobProto.newBuilder();
                Caffe.BlobShape.Builder shape = Caffe.BlobShape.newBuilder();
                for (int d : (i < expected.size() ? expected.get(i) : n.weights().get(i).shape()).dims()) {
                    shape.addDim(d);
                }
                blob.setShape(shape);
                for (float v : n.weights().get(i).data()) {
                    blob.addData(v);
                }
                l.addBlobs(blob);
            }
            b.addLayer(l);
        }
        return b.build();
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
