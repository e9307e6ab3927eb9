package org.caffe4j.verify;

import org.caffe4j.runtime.ImportedInternals;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.ModelFiles;
import org.caffe4j.testing.FlowNetTemplate;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.caffe4j.testing.GoldenAssertions.GOLDEN;
import static org.caffe4j.testing.GoldenAssertions.assertMatchesGolden;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * FlowNet 2.0's published deploy templates, filled in as the fork's run-flownet.py does. FlowNet2-ss (two stacked
 * FlowNet-s: DataAugmentation, Resample, Accum, FlowWarp, ChannelNorm, one-bottom Eltwise, and a scale_conv1 that
 * only its diagonal filler defines) runs on seeded weights against the NumPy pass written from the fork's sources
 * (OpenCV 4.6 cannot read FlowNet's parameters); the full FlowNet2 (Correlation too) loads and infers its shapes.
 */
class FlowNetGoldenTest {
    private static final Path TEMPLATES = Path.of("testdata", "flownet2");

    @Test
    @Timeout(120)
    void flowNet2ssMatchesTheForksArithmetic(@TempDir Path tmp) throws IOException {
        // Rendered here bit for bit as tools/golden/render_flownet.py did (assertMatchesGolden checks the SHA-256).
        Path prototxt = FlowNetTemplate.renderTo(TEMPLATES.resolve("FlowNet2-ss_deploy.prototxt.template"), 96, 60,
                tmp.resolve("FlowNet2-ss_96x60.prototxt"));
        Path weights = SeededCaffemodel.write(prototxt, LoadOptions.defaults(), 21,
                tmp.resolve("flownet2_ss_seeded.caffemodel"), Set.of("scale_conv1"));
        Comparison c = assertMatchesGolden(prototxt, weights, GOLDEN.resolve("flownet2_ss_cat"));
        assertEquals(14, c.results().size());
        // The answer is a flow field at the images' own size.
        assertArrayEquals(new int[]{1, 2, 60, 96}, GoldenSet.open(GOLDEN.resolve("flownet2_ss_cat"))
                .read("predict_flow_final").shape());
    }

    @Test
    void fullFlowNet2LoadsAndInfersItsShapes(@TempDir Path tmp) throws IOException {
        Path prototxt = FlowNetTemplate.renderTo(TEMPLATES.resolve("FlowNet2_deploy.prototxt.template"), 500, 380,
                tmp.resolve("FlowNet2_500x380.prototxt"));
        var graph = ImportedInternals.graph(ModelFiles.importModel(prototxt, null, LoadOptions.defaults()));
        Map<String, Integer> types = new TreeMap<>();
        graph.nodes().forEach(n -> types.merge(n.type(), 1, Integer::sum));
        // The legacy input fields become one Input layer.
        assertEquals("{Accum=2, ChannelNorm=6, Concat=23, Convolution=79, Correlation=1, DataAugmentation=2, "
                + "Deconvolution=36, Eltwise=12, FlowWarp=4, Input=1, ReLU=71, Resample=5}", types.toString());
        var out = graph.outputs();
        assertEquals(1, out.size(), out.toString());
        assertEquals("predict_flow_final", out.get(0).blob());
        assertArrayEquals(new int[]{1, 2, 380, 500}, out.get(0).shape().dims());
    }
}
