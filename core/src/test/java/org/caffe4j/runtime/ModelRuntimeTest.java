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
