package org.caffe4j.fuzz;

import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.StepInfo;
import org.caffe4j.runtime.Tensor;

import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a service does with a model it was handed: import, plan, and (when small enough to be quick) run it. */
final class ImportPipeline {
    /** Nets larger than this are planned but not run, so that one input stays far below the 10 s hang limit. */
    private static final long MAX_RUN_FLOATS = 1 << 16;
    private static final long MAX_RUN_MULTIPLY_ADDS = 1 << 22;

    private ImportPipeline() {
    }

    /**
     * Loads the classes and compiles the paths the targets use, once, before the per-input timeout starts
     * counting: on a busy machine the first input would otherwise pay seconds of class loading.
     */
    static void warmUp() throws Exception {
        importPlanAndRun(WARM_UP_NET, null);
    }

    private static final byte[] WARM_UP_NET = """
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 dim: 6 dim: 6 } } }
            layer { name: "pool" type: "Pooling" bottom: "data" top: "pool" pooling_param { pool: MAX kernel_size: 2 } }
            layer { name: "relu" type: "ReLU" bottom: "pool" top: "pool" }
            layer { name: "prob" type: "Softmax" bottom: "pool" top: "prob" }
            """.getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /**
     * @param prototxt text net definition
     * @param caffemodel binary weights, or null
     */
    static void importPlanAndRun(byte[] prototxt, byte[] caffemodel) throws Exception {
        LoadOptions options = LoadOptions.defaults().withThreads(1);
        try (Model model = Model.load(new ByteArrayInputStream(prototxt),
                caffemodel == null ? null : new ByteArrayInputStream(caffemodel), options)) {
            long floats = model.footprint(Map.of()).activationBytes() / 4;
            long macs = model.steps(Map.of()).stream().mapToLong(StepInfo::multiplyAdds).sum();
            if (floats > MAX_RUN_FLOATS || macs > MAX_RUN_MULTIPLY_ADDS) {
                return;
            }
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            for (String name : model.inputNames()) {
                int[] shape = model.inputShape(name);
                long count = 1;
                for (int d : shape) {
                    count *= d;
                }
                float[] x = new float[(int) count];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (i % 7) - 3;
                }
                inputs.put(name, new Tensor(shape, x));
            }
            model.runAllBlobs(inputs);
        }
    }
}
