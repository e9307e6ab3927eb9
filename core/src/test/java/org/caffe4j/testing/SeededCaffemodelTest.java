package org.caffe4j.testing;

import org.caffe4j.runtime.ImportedInternals;
import org.caffe4j.proto.Caffe;
import org.caffe4j.ir.Graph;
import org.caffe4j.ir.Value;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.ModelFiles;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class SeededCaffemodelTest {
    private static final Path SQUEEZENET = Path.of("testdata/zoo/squeezenet_v1.1_deploy.prototxt");

    @TempDir
    Path dir;

    @Test
    void streamedFileIsAValidCaffemodelThatRunsTheNet() throws Exception {
        LoadOptions batch1 = LoadOptions.defaults().withBatch(1);
        Path w = SeededCaffemodel.write(SQUEEZENET, batch1, 7, dir.resolve("a.caffemodel"));
        Caffe.NetParameter net;
        try (InputStream in = Files.newInputStream(w)) {
            net = Caffe.NetParameter.parseFrom(in);
        }
        long values = 0;
        for (Caffe.LayerParameter l : net.getLayerList()) {
            for (Caffe.BlobProto b : l.getBlobsList()) {
                assertEquals(b.getShape().getDimList().stream().mapToLong(Long::longValue).reduce(1, (x, y) -> x * y),
                        b.getDataCount(), l.getName());
                values += b.getDataCount();
            }
        }
        assertEquals(1_235_496, values, "SqueezeNet 1.1's parameter count");
        try (Model m = Model.load(SQUEEZENET, w, batch1)) {
            float[] x = RandomWeights.input(3, 3 * 227 * 227);
            float[] prob = m.run(new Tensor(new int[]{1, 3, 227, 227}, x)).data();
            assertEquals(1000, prob.length);
            assertTrue(Arrays.stream(toDouble(prob)).allMatch(Double::isFinite));
            assertEquals(1.0, Arrays.stream(toDouble(prob)).sum(), 1e-4);
        }
        Path again = SeededCaffemodel.write(SQUEEZENET, batch1, 7, dir.resolve("b.caffemodel"));
        assertArrayEquals(Files.readAllBytes(w), Files.readAllBytes(again), "same seed, same bytes");
        Path other = SeededCaffemodel.write(SQUEEZENET, batch1, 8, dir.resolve("c.caffemodel"));
        assertFalse(Arrays.equals(Files.readAllBytes(w), Files.readAllBytes(other)));
    }

    /** The zoo nets the benchmarks (bench/zoo, bench/opencv --net) measure import with their published output shapes. */
    @Test
    void zooNetsOfTheOpenCvComparisonImport() throws Exception {
        assertEquals("prob 1x1000x1x1", output("mobilenet_v1"));
        assertEquals("prob 1x1000x1x1", output("mobilenet_v2"));
        assertEquals("score 1x21x224x224", output("fcn_alexnet"));
        assertEquals("prob 10x1000", output("alexnet"));
        assertEquals("prob 10x1000", output("googlenet"));
    }

    private static String output(String net) throws Exception {
        Graph g = ImportedInternals.graph(ModelFiles.importModel(Path.of("testdata/zoo/" + net + "_deploy.prototxt"),
                null, LoadOptions.defaults()));
        assertEquals(1, g.outputs().size(), net);
        Value out = g.outputs().get(0);
        return out.blob() + " " + out.shape();
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
