package org.caffe4j.runtime;

import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.caffe4j.ops.LayerKernel;
import org.caffe4j.plan.ExecutionPlan;
import org.caffe4j.plan.Step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A large batch runs its leading layers with few weights one image at a time, then the rest on the whole batch: the
 * outputs must be the bits each image gives alone, and the prefix must stop where a later layer reads an earlier value.
 */
class ImageByImagePrefixTest {
    @TempDir
    Path dir;

    /** Both nets' first layers: conv1 is cheap and large (16 x 62 x 62 per image). */
    private static final String STEM = """
            input: "data" input_shape { dim: 1 dim: 3 dim: 64 dim: 64 }
            layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
                    convolution_param { num_output: 16 kernel_size: 3 } }
            layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }
            """;

    /** The pool is cheap too; the residual sum reads the pool's output again. */
    private static final String RESIDUAL = STEM + """
            layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
            layer { name: "conv2" type: "Convolution" bottom: "pool1" top: "conv2"
                    convolution_param { num_output: 16 kernel_size: 3 pad: 1 } }
            layer { name: "sum" type: "Eltwise" bottom: "pool1" bottom: "conv2" top: "sum" }
            layer { name: "fc" type: "InnerProduct" bottom: "sum" top: "fc" inner_product_param { num_output: 40 } }
            """;

    /** Every layer per image and cheap: the whole net runs image by image. */
    private static final String PLAIN = STEM + """
            layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: AVE kernel_size: 2 stride: 2 } }
            """;

    private static final int IMAGE = 3 * 64 * 64;

    @Test
    void aLargeBatchRunsTheCheapLayersBeforeTheResidualSumImageByImage() throws Exception {
        try (Model model = load("residual", RESIDUAL)) {
            int[] shape = {20, 3, 64, 64};
            assertEquals(2, model.imageByImageSteps(Map.of("data", shape)), "conv1+relu1 and pool1; conv2 would leave"
                    + " the sum reading pool1 from before the cut");
            assertEquals(List.of("conv1", "pool1"), model.steps(Map.of("data", shape)).subList(0, 2).stream()
                    .map(StepInfo::layer).toList());
            assertBatchEqualsImagesAlone(model, 20, "fc");
            // The footprint counts the batch-1 buffers the prefix runs in, on top of the batch plan's.
            Map<String, int[]> batch = Map.of("data", shape);
            Map<String, int[]> one = Map.of("data", new int[]{1, 3, 64, 64});
            assertEquals(4 * (model.plan(batch).activationFloats() + model.plan(one).activationFloats()),
                    model.footprint(batch).activationBytes());
            Map<String, int[]> small = Map.of("data", new int[]{4, 3, 64, 64});
            assertEquals(4 * model.plan(small).activationFloats(), model.footprint(small).activationBytes());
        }
    }

    @Test
    void aNetOfPerImageLayersRunsWhollyImageByImage() throws Exception {
        try (Model model = load("plain", PLAIN)) {
            assertEquals(model.steps(Map.of()).size(), model.imageByImageSteps(Map.of("data", new int[]{20, 3, 64, 64})));
            assertBatchEqualsImagesAlone(model, 20, "pool1");
        }
    }

    @Test
    void batchOneAndSmallBatchesRunWhole() throws Exception {
        try (Model model = load("residual", RESIDUAL)) {
            assertEquals(0, model.imageByImageSteps(Map.of()));
            // 4 x 61,504 floats of conv1 output stay in the cache batched.
            assertEquals(0, model.imageByImageSteps(Map.of("data", new int[]{4, 3, 64, 64})));
            assertBatchEqualsImagesAlone(model, 4, "fc");
        }
    }

    /**
     * A step whose kernel runs a batch much faster whole ({@code LayerKernel.batchesBetter}: a Winograd layer with few
     * column tiles per image) ends the prefix before it, and leaves none when it is the first. The batch plan's steps
     * are given such a kernel here, so the check does not depend on the kernels this host's profile picks.
     */
    @Test
    void thePrefixStopsBeforeALayerThatBatchesBetter() throws Exception {
        try (Model model = load("residual", RESIDUAL)) {
            ExecutionPlan batch = model.plan(Map.of("data", new int[]{20, 3, 64, 64}));
            Model.PlanState one = new Model.PlanState(model.plan(Map.of("data", new int[]{1, 3, 64, 64})),
                    new ConcurrentLinkedQueue<>());
            assertEquals(2, ImageByImagePrefix.find(batch, one, 20).steps(), "conv1+relu1 and pool1");
            assertEquals(1, ImageByImagePrefix.find(batchingBetterAt(batch, 1), one, 20).steps(),
                    "pool1 batches better: conv1 alone");
            assertNull(ImageByImagePrefix.find(batchingBetterAt(batch, 0), one, 20), "conv1 batches better");
        }
    }

    /** The plan with step {@code index}'s kernel reporting that it batches better, running as before. */
    private static ExecutionPlan batchingBetterAt(ExecutionPlan plan, int index) {
        List<Step> steps = new ArrayList<>(plan.steps());
        Step s = steps.get(index);
        LayerKernel batching = LayerKernel.writingAtOffset(s.kernel().weightBytes(), true, s.kernel()::run);
        steps.set(index, new Step(s.node(), batching, s.inputSlots(), s.outputSlots(), s.outputOffset(), s.concat(),
                s.folded(), s.fusedRelu(), s.multiplyAdds()));
        return new ExecutionPlan(plan.graph(), steps, plan.slotSizes(), plan.inputSlots(), plan.keptSlots());
    }

    @Test
    void keptBlobsOfALargeBatchAreEveryImagesOwn() throws Exception {
        try (Model model = load("residual", RESIDUAL)) {
            int images = 20;
            float[] x = input(images);
            Map<String, Tensor> batch = model.run(Map.of("data", new Tensor(new int[]{images, 3, 64, 64}, x)),
                    Set.of("pool1", "fc"));
            for (String blob : List.of("pool1", "fc")) {
                float[] all = batch.get(blob).data();
                int per = all.length / images;
                for (int i = 0; i < images; i++) {
                    float[] alone = model.run(Map.of("data", new Tensor(new int[]{1, 3, 64, 64},
                            Arrays.copyOfRange(x, i * IMAGE, (i + 1) * IMAGE))), Set.of(blob)).get(blob).data();
                    assertArrayEquals(alone, Arrays.copyOfRange(all, i * per, (i + 1) * per), blob + ", image " + i);
                }
            }
        }
    }

    private Model load(String name, String prototxt) throws Exception {
        Path net = Files.writeString(dir.resolve(name + ".prototxt"), prototxt);
        Path weights = SeededCaffemodel.write(net, LoadOptions.defaults(), 5, dir.resolve(name + ".caffemodel"));
        return Model.builder().files(net, weights).threads(2).build();
    }

    private static float[] input(int images) {
        float[] x = new float[images * IMAGE];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 37) % 101) / 101f - 0.45f;
        }
        return x;
    }

    /** The batch's output is, image by image, exactly what each image gives alone. */
    private static void assertBatchEqualsImagesAlone(Model model, int images, String output) {
        float[] x = input(images);
        float[] all = model.run(new Tensor(new int[]{images, 3, 64, 64}, x)).data();
        int per = all.length / images;
        for (int i = 0; i < images; i++) {
            float[] alone = model.run(new Tensor(new int[]{1, 3, 64, 64},
                    Arrays.copyOfRange(x, i * IMAGE, (i + 1) * IMAGE))).data();
            assertArrayEquals(alone, Arrays.copyOfRange(all, i * per, (i + 1) * per), output + ", image " + i);
        }
    }
}
