package org.caffe4j.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A net's structure through read-only values: LeNet's layers, shapes, parameters and multiply-adds. */
class NetInfoTest {
    @Test
    void lenetAsValues() throws IOException {
        try (Model model = Model.load(Path.of("testdata/lenet_mnist/lenet.prototxt"),
                Path.of("testdata/lenet_mnist/lenet_iter_10000.caffemodel"),
                LoadOptions.defaults().withThreads(1).withBatch(2))) {
            NetInfo net = model.describe();
            assertEquals("LeNet", net.name());
            assertEquals(List.of(new BlobInfo("data", List.of(2, 1, 28, 28))), net.inputs());
            assertEquals("2x10", net.outputs().get(0).shapeText());
            assertEquals(List.of("data", "conv1", "pool1", "conv2", "pool2", "ip1", "relu1", "ip2", "prob"),
                    net.layers().stream().map(LayerInfo::name).toList());
            LayerInfo conv2 = net.layers().get(3);
            assertEquals("Convolution", conv2.type());
            assertEquals(List.of("pool1"), conv2.bottoms());
            assertEquals(List.of(new BlobInfo("conv2", List.of(2, 50, 8, 8))), conv2.outputs());
            assertEquals(50 * 20 * 5 * 5 + 50, conv2.parameters());
            assertEquals(2L * 50 * 8 * 8 * 20 * 5 * 5, conv2.multiplyAdds());
            // conv1 520, conv2 25,050, ip1 400,500, ip2 5,010 weights; multiply-adds per image 2,293,000.
            assertEquals(431_080, net.totalParameters());
            assertEquals(2L * 2_293_000, net.totalMultiplyAdds());
        }
    }

    @Test
    void stepsAndTheirTimesAsValues() throws IOException {
        try (Model model = Model.load(Path.of("testdata/lenet_mnist/lenet.prototxt"),
                Path.of("testdata/lenet_mnist/lenet_iter_10000.caffemodel"), LoadOptions.defaults().withThreads(1))) {
            List<StepInfo> steps = model.steps(java.util.Map.of("data", new int[]{1, 1, 28, 28}));
            // The in-place ReLU runs inside ip1's step.
            assertEquals(List.of("conv1", "pool1", "conv2", "pool2", "ip1+relu1", "ip2", "prob"),
                    steps.stream().map(StepInfo::label).toList());
            assertEquals(2_293_000, steps.stream().mapToLong(StepInfo::multiplyAdds).sum());
            long[] timed = new long[steps.size()];
            model.runTimed(java.util.Map.of("data", new Tensor(new int[]{1, 1, 28, 28}, new float[28 * 28])),
                    (step, nanos) -> timed[step] += 1);
            assertEquals(List.of(1L, 1L, 1L, 1L, 1L, 1L, 1L), java.util.Arrays.stream(timed).boxed().toList());
        }
    }
}
