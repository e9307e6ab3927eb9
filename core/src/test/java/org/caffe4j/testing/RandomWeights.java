package org.caffe4j.testing;

import org.caffe4j.runtime.ImportedInternals;
import org.caffe4j.ir.Graph;
import org.caffe4j.ir.Node;
import org.caffe4j.ir.Shape;
import org.caffe4j.ir.Value;
import org.caffe4j.proto.Caffe;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.ModelFiles;
import org.caffe4j.ops.registry.OpRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Seeded He-scaled random weights for any net definition, written as a V2 caffemodel. */
public final class RandomWeights {
    private RandomWeights() {
    }

    public static Path write(Path prototxt, LoadOptions options, long seed, Path out) throws Exception {
        Graph g = ImportedInternals.graph(ModelFiles.importModel(prototxt, null, options));
        Random rnd = new Random(seed);
        Caffe.NetParameter.Builder net = Caffe.NetParameter.newBuilder();
        for (Node n : g.nodes()) {
            List<Shape> shapes = OpRegistry.builtin().opOf(n).weightShapes(n.params(), n.inputs().stream().map(Value::shape).toList());
            if (shapes.isEmpty()) {
                continue;
            }
            Caffe.LayerParameter.Builder l = Caffe.LayerParameter.newBuilder().setName(n.name()).setType(n.type());
            for (int i = 0; i < shapes.size(); i++) {
                Shape s = shapes.get(i);
                double fanIn = s.rank() > 1 ? s.count() / s.dim(0) : 1;
                double std = i == 0 ? Math.sqrt(2.0 / fanIn) : 0.1;
                Caffe.BlobProto.Builder b = Caffe.BlobProto.newBuilder();
                Caffe.BlobShape.Builder bs = Caffe.BlobShape.newBuilder();
                for (int d : s.dims()) {
                    bs.addDim(d);
                }
                b.setShape(bs);
                for (long k = 0; k < s.count(); k++) {
                    b.addData((float) (rnd.nextGaussian() * std));
                }
                l.addBlobs(b);
            }
            net.addLayer(l);
        }
        Files.write(out, net.build().toByteArray());
        return out;
    }

    public static float[] input(long seed, int n) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }
}
