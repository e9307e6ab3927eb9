package org.caffe4j.verify;

import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.NinTestModel;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.caffe4j.testing.GoldenAssertions.GOLDEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The README's promise that a batch gives the same bits as its images one by one, on every net with weights that
 * the test suite has (LeNet, cifar10_quick, NIN with the golden tests' weights, every one-layer golden net): each
 * image of a batch of distinct random images must give exactly the floats it gives alone (run on two threads), for
 * batch sizes on both sides of every batch-dependent kernel choice (the GEMV/GEMM switch of InnerProduct above 8
 * rows, the GEMM's column tiles of 16 and half tiles of 8), on one and on two threads. PriorBox tops do not
 * depend on the batch (the same priors for every size); DetectionOutput tops hold rows for all images, each with
 * its image_id: each image's detections must be the ones it gets alone. Nets with ROIPooling are left out: their
 * ROI rows pick images of the batch by index; so are nets with Proposal, which takes one image only (as
 * py-faster-rcnn's layer).
 */
class BatchEqualsImagesTest {
    private static final int[] BATCHES = {1, 2, 3, 7, 8, 9, 10, 16, 17};
    /** NIN costs 2.2 GFLOP per image: one batch below and one above the InnerProduct-style switches. */
    private static final int[] NIN_BATCHES = {1, 3, 9};

    static Stream<Arguments> nets() throws IOException {
        List<Arguments> nets = new ArrayList<>();
        Path lenet = Path.of("testdata", "lenet_mnist");
        nets.add(Arguments.of("lenet_mnist", lenet.resolve("lenet.prototxt"),
                lenet.resolve("lenet_iter_10000.caffemodel"), BATCHES, 1f));
        Path cifar = Path.of("testdata", "cifar10_quick");
        nets.add(Arguments.of("cifar10_quick", cifar.resolve("cifar10_quick.prototxt"),
                cifar.resolve("cifar10_quick_iter_5000.caffemodel"), BATCHES, 128f));
        nets.add(Arguments.of("nin_imagenet", NinTestModel.TRAIN_VAL, NinTestModel.cachedCaffemodel(), NIN_BATCHES,
                128f));
        for (String name : LayerGoldenTest.manifest()) {
            Path dir = GOLDEN.resolve("layers").resolve(name);
            String text = Files.readString(dir.resolve("net.prototxt"));
            if (text.contains("type: \"ROIPooling\"") || text.contains("type: \"Proposal\"")) {
                // ROIs name their image by batch index, so such a batch is not a stack of independent images
                // (the golden's ROIs name image 1, which a batch of 1 lacks); Proposal takes one image.
                continue;
            }
            nets.add(Arguments.of("layers/" + name, dir.resolve("net.prototxt"), dir.resolve("net.caffemodel"),
                    BATCHES, 1f));
        }
        return nets.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    @Timeout(60)
    void everyImageOfABatchGivesTheBitsItGivesAlone(String name, Path prototxt, Path caffemodel, int[] batches,
                                                     float scale) throws IOException {
        int largest = Arrays.stream(batches).max().orElseThrow();
        List<Map<String, float[]>> singles = new ArrayList<>();
        Map<String, int[]> imageShapes = new LinkedHashMap<>();
        List<Map<String, float[]>> images = new ArrayList<>();
        try (Model alone = Model.load(prototxt, caffemodel, LoadOptions.defaults().withThreads(2))) {
            for (String input : alone.inputNames()) {
                int[] shape = alone.inputShape(input).clone();
                shape[0] = 1;
                imageShapes.put(input, shape);
            }
            Random random = new Random(name.hashCode());
            for (int i = 0; i < largest; i++) {
                Map<String, float[]> image = new LinkedHashMap<>();
                imageShapes.forEach((input, shape) -> {
                    float[] v = new float[Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
                    for (int j = 0; j < v.length; j++) {
                        v[j] = (float) random.nextGaussian() * scale;
                    }
                    image.put(input, v);
                });
                images.add(image);
                singles.add(outputs(alone.run(batchOf(images.subList(i, i + 1), imageShapes))));
            }
        }
        for (int threads : new int[]{1, 2}) {
            try (Model model = Model.load(prototxt, caffemodel, LoadOptions.defaults().withThreads(threads))) {
                for (int batch : batches) {
                    Map<String, float[]> out = outputs(model.run(batchOf(images.subList(0, batch), imageShapes)));
                    for (Map.Entry<String, float[]> blob : out.entrySet()) {
                        float[] all = blob.getValue();
                        String producer = producerType(model, blob.getKey());
                        if (producer.equals("PriorBox")) {
                            // Default boxes depend on the shapes only: the same for any batch.
                            assertArrayEquals(singles.get(0).get(blob.getKey()), all, name + ": priors '"
                                    + blob.getKey() + "' change with a batch of " + batch);
                            continue;
                        }
                        if (producer.equals("DetectionOutput")) {
                            for (int i = 0; i < batch; i++) {
                                int image = i;
                                assertEquals(detectionsOf(singles.get(i).get(blob.getKey()), 0, image),
                                        detectionsOf(all, image, image), () -> name + ": detections of image " + image
                                                + " in a batch of " + batch + " differ from the image run alone");
                            }
                            continue;
                        }
                        assertEquals(0, all.length % batch, blob.getKey() + " does not split into " + batch);
                        int per = all.length / batch;
                        for (int i = 0; i < batch; i++) {
                            float[] alone = singles.get(i).get(blob.getKey());
                            float[] inBatch = Arrays.copyOfRange(all, i * per, (i + 1) * per);
                            int image = i;
                            assertArrayEquals(alone, inBatch, () -> name + ": blob '" + blob.getKey() + "' of image "
                                    + image + " in a batch of " + batch + " on " + threads
                                    + " thread(s) differs from the image run alone");
                        }
                    }
                }
            }
        }
    }

    private static Map<String, Tensor> batchOf(List<Map<String, float[]>> images, Map<String, int[]> imageShapes) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        imageShapes.forEach((input, shape) -> {
            int per = images.get(0).get(input).length;
            float[] data = new float[per * images.size()];
            for (int i = 0; i < images.size(); i++) {
                System.arraycopy(images.get(i).get(input), 0, data, i * per, per);
            }
            int[] batchShape = shape.clone();
            batchShape[0] = images.size();
            inputs.put(input, new Tensor(batchShape, data));
        });
        return inputs;
    }

    private static String producerType(Model model, String blob) {
        return model.describe().lastWriter(blob).map(org.caffe4j.runtime.LayerInfo::type).orElse("");
    }

    /**
     * The detection rows [image_id, label, score, box] of image {@code image} as a list of row strings, in order,
     * relabelled to {@code as}; only real detections (label >= 0): an image with none gets the SSD fork's "no
     * detection" row alone but not within a batch where another image has some, as in the fork.
     */
    private static List<String> detectionsOf(float[] rows, int image, int as) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r + 7 <= rows.length; r += 7) {
            if (rows[r] == image && rows[r + 1] >= 0) {
                float[] row = Arrays.copyOfRange(rows, r, r + 7);
                row[0] = as;
                out.add(Arrays.toString(row));
            }
        }
        return out;
    }

    private static Map<String, float[]> outputs(Map<String, Tensor> out) {
        Map<String, float[]> data = new LinkedHashMap<>();
        out.forEach((blob, tensor) -> data.put(blob, tensor.data()));
        return data;
    }
}
