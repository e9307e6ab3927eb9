package org.caffe4j.runtime;

import org.caffe4j.ShapeException;
import org.caffe4j.testing.RandomWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole-net runtime behaviour: batching, reshaping, thread counts, concurrency, the blob dump. */
class ModelRuntimeTest {
    static final Path LENET = Path.of("testdata/lenet_mnist/lenet.prototxt");
    static final Path LENET_WEIGHTS = Path.of("testdata/lenet_mnist/lenet_iter_10000.caffemodel");
    static final Path NIN_CIFAR = Path.of("testdata/nin_cifar10/train_val.prototxt");

    @TempDir
    Path dir;

    private static float[] slice(float[] a, int from, int len) {
        return java.util.Arrays.copyOfRange(a, from, from + len);
    }

    @Test
    void aBatchOfNEqualsNSingleRunsBitForBit() throws Exception {
        try (Model m = Model.load(LENET, LENET_WEIGHTS)) {
            int n = 5;
            float[] x = RandomWeights.input(1, n * 28 * 28);
            Tensor batch = m.run(new Tensor(new int[]{n, 1, 28, 28}, x));
            assertArrayEquals(new int[]{n, 10}, batch.shape());
            for (int i = 0; i < n; i++) {
                Tensor one = m.run(new Tensor(new int[]{1, 1, 28, 28}, slice(x, i * 784, 784)));
                assertArrayEquals(one.data(), slice(batch.data(), i * 10, 10), "image " + i);
            }
        }
    }

    @Test
    void oneThreadEqualsTwoThreadsBitForBit() throws Exception {
        Path w = RandomWeights.write(NIN_CIFAR, opts(1), 7, dir.resolve("w.caffemodel"));
        float[] x = RandomWeights.input(3, 2 * 3 * 32 * 32);
        try (Model one = Model.load(NIN_CIFAR, w, opts(1).withThreads(1));
             Model two = Model.load(NIN_CIFAR, w, opts(1).withThreads(2))) {
            Map<String, Tensor> a = one.runAllBlobs(Map.of("data", new Tensor(new int[]{2, 3, 32, 32}, x)));
            Map<String, Tensor> b = two.runAllBlobs(Map.of("data", new Tensor(new int[]{2, 3, 32, 32}, x)));
            assertEquals(a.keySet(), b.keySet());
            for (String blob : a.keySet()) {
                assertArrayEquals(a.get(blob).data(), b.get(blob).data(), blob);
            }
        }
    }

    @Test
    void runIntoWritesRunsValuesIntoTheCallersTensors() throws Exception {
        try (Model m = Model.load(LENET, LENET_WEIGHTS)) {
            Tensor out = new Tensor(new int[]{2, 10}, new float[20]);
            Tensor conv1 = new Tensor(new int[]{2, 20, 24, 24}, new float[2 * 20 * 24 * 24]);
            float[] outArray = out.data();
            for (int seed = 1; seed <= 2; seed++) {
                Map<String, Tensor> in = Map.of("data", new Tensor(new int[]{2, 1, 28, 28},
                        RandomWeights.input(seed, 2 * 784)));
                m.runInto(in, Map.of("prob", out));
                assertArrayEquals(m.run(in).get("prob").data(), outArray, "seed " + seed);
                // Any blob, as run(inputs, blobs) keeps it.
                m.runInto(in, Map.of("conv1", conv1));
                assertArrayEquals(m.run(in, java.util.Set.of("conv1")).get("conv1").data(), conv1.data());
            }
            Map<String, Tensor> in = Map.of("data", new Tensor(new int[]{2, 1, 28, 28}, new float[2 * 784]));
            var unknown = assertThrows(ShapeException.class,
                    () -> m.runInto(in, Map.of("score", new Tensor(new int[]{2, 10}, new float[20]))));
            assertTrue(unknown.getMessage().contains("'score'") && unknown.getMessage().contains("prob"),
                    unknown.getMessage());
            var shape = assertThrows(ShapeException.class,
                    () -> m.runInto(in, Map.of("prob", new Tensor(new int[]{1, 10}, new float[10]))));
            assertTrue(shape.getMessage().contains("2x10") && shape.getMessage().contains("1x10"), shape.getMessage());
            assertThrows(ShapeException.class, () -> m.runInto(in, Map.of()));
        }
    }

    /**
     * The point of runInto: a pass allocates no output array. With the plain reference kernels (no vector boxes
     * before the JIT) a run of this 1 MB output allocates at least the output on the calling thread, runInto a
     * small fraction of it.
     */
    @Test
    void runIntoAllocatesNoOutputArray() throws Exception {
        Path net = java.nio.file.Files.writeString(dir.resolve("wide.prototxt"), """
                name: "wide"
                input: "data" input_shape { dim: 1 dim: 3 dim: 64 dim: 64 }
                layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
                        convolution_param { num_output: 64 kernel_size: 3 pad: 1 } }
                """);
        Path w = RandomWeights.write(net, opts(1), 3, dir.resolve("wide.caffemodel"));
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long outputBytes = 4L * 64 * 64 * 64;
        try (Model m = Model.load(net, w, opts(1).withReference(true).withThreads(1))) {
            Map<String, Tensor> in = Map.of("data", new Tensor(new int[]{1, 3, 64, 64}, RandomWeights.input(1, 3 * 4096)));
            Map<String, Tensor> into = Map.of("conv", new Tensor(new int[]{1, 64, 64, 64}, new float[64 * 4096]));
            for (int i = 0; i < 3; i++) {
                m.run(in);
                m.runInto(in, into);
            }
            int passes = 5;
            long a0 = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < passes; i++) {
                m.run(in);
            }
            long a1 = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < passes; i++) {
                m.runInto(in, into);
            }
            long a2 = threads.getCurrentThreadAllocatedBytes();
            assertTrue((a1 - a0) / passes >= outputBytes, "run allocates its output: " + (a1 - a0) / passes);
            assertTrue((a2 - a1) / passes < outputBytes / 8, "runInto allocated " + (a2 - a1) / passes + " bytes a pass");
        }
    }

    @Test
    void fullyConvolutionalNetReshapesToAnotherSpatialSize() throws Exception {
        // NIN-CIFAR pools 48 -> 24 -> 12, then averages 8x8 windows at stride 1: a 5x5 map of class scores.
        Path w = RandomWeights.write(NIN_CIFAR, opts(1), 11, dir.resolve("w.caffemodel"));
        try (Model m = Model.load(NIN_CIFAR, w, opts(1))) {
            Tensor y = m.run(new Tensor(new int[]{1, 3, 48, 48}, RandomWeights.input(5, 3 * 48 * 48)));
            assertArrayEquals(new int[]{1, 10, 5, 5}, y.shape());
            Tensor z = m.run(new Tensor(new int[]{3, 3, 32, 32}, RandomWeights.input(6, 3 * 3 * 32 * 32)));
            assertArrayEquals(new int[]{3, 10, 1, 1}, z.shape());
        }
    }

    @Test
    void aNetWithInnerProductsRejectsAnotherSpatialSizeNamingTheLayer() throws Exception {
        try (Model m = Model.load(LENET, LENET_WEIGHTS)) {
            var e = assertThrows(ShapeException.class,
                    () -> m.run(new Tensor(new int[]{1, 1, 32, 32}, new float[32 * 32])));
            assertTrue(e.getMessage().contains("lenet.prototxt: layer 'ip1' (InnerProduct): blobs[0]"), e.getMessage());
        }
    }

    @Test
    void inputShapesThatCannotExistAreTheUsersShapeErrors() throws Exception {
        // The ir's own InvalidShapeException never reaches a caller: the runtime names the net and the input.
        var zero = assertThrows(ShapeException.class, () -> Model.load(LENET, LENET_WEIGHTS,
                LoadOptions.defaults().withInputShapes(Map.of("data", new int[]{1, 0, 28, 28}))));
        assertTrue(zero.getMessage().startsWith("testdata/lenet_mnist/lenet.prototxt: input shape of 'data': dimension 0 in [1, 0, 28, 28]"),
                zero.getMessage());
        try (Model m = Model.load(LENET, LENET_WEIGHTS)) {
            var huge = assertThrows(ShapeException.class, () -> m.footprint(
                    Map.of("data", new int[]{2147483647, 2147483647, 2147483647})));
            assertTrue(huge.getMessage().startsWith("input shape of 'data': shape [2147483647, 2147483647, 2147483647] "
                    + "has more elements than a long can count"), huge.getMessage());
        }
    }

    @Test
    void manyThreadsShareOneModel() throws Exception {
        try (Model m = Model.load(LENET, LENET_WEIGHTS)) {
            List<float[]> inputs = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                float[] x = RandomWeights.input(100 + i, 784);
                inputs.add(x);
                expected.add(m.run(new Tensor(new int[]{1, 1, 28, 28}, x)).data());
            }
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int r = 0; r < 48; r++) {
                    int i = r % 8;
                    results.add(pool.submit(() -> java.util.Arrays.equals(expected.get(i),
                            m.run(new Tensor(new int[]{1, 1, 28, 28}, inputs.get(i))).data())));
                }
                for (Future<Boolean> f : results) {
                    assertTrue(f.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void blobDumpHoldsEachBlobsFinalValueAfterInPlaceLayers() throws Exception {
        try (Model m = Model.load(LENET, LENET_WEIGHTS)) {
            Map<String, Tensor> all = m.runAllBlobs(Map.of("data",
                    new Tensor(new int[]{1, 1, 28, 28}, RandomWeights.input(9, 784))));
            assertEquals(List.of("data", "conv1", "pool1", "conv2", "pool2", "ip1", "ip2", "prob"), new ArrayList<>(all.keySet()));
            // ip1 is followed by an in-place ReLU: the dumped value is after it.
            for (float v : all.get("ip1").data()) {
                assertTrue(v >= 0f);
            }
            float sum = 0;
            for (float v : all.get("prob").data()) {
                sum += v;
            }
            assertEquals(1f, sum, 1e-5f);
        }
    }

    @Test
    void referenceKernelsAndFastPlanAgree() throws Exception {
        Path w = RandomWeights.write(NIN_CIFAR, opts(1), 13, dir.resolve("w.caffemodel"));
        float[] x = RandomWeights.input(4, 3 * 32 * 32);
        try (Model fast = Model.load(NIN_CIFAR, w, opts(1));
             Model ref = Model.load(NIN_CIFAR, w, opts(1).withReference(true))) {
            Map<String, Tensor> a = fast.runAllBlobs(Map.of("data", new Tensor(new int[]{1, 3, 32, 32}, x)));
            Map<String, Tensor> b = ref.runAllBlobs(Map.of("data", new Tensor(new int[]{1, 3, 32, 32}, x)));
            for (String blob : b.keySet()) {
                float[] p = a.get(blob).data(), q = b.get(blob).data();
                for (int i = 0; i < q.length; i++) {
                    assertTrue(Math.abs(p[i] - q[i]) <= 1e-4 + 1e-4 * Math.abs(q[i]),
                            blob + "[" + i + "]: " + p[i] + " vs " + q[i]);
                }
            }
        }
    }

    private static LoadOptions opts(int batch) {
        return LoadOptions.defaults().withInputShapes(Map.of("data", new int[]{batch, 3, 32, 32}));
    }
}
