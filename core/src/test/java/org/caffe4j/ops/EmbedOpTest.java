package org.caffe4j.ops;

import org.caffe4j.CaffeModelException;
import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Embed's bottom must hold valid indices, which OpTestBase's random decoy runs do not; these tests therefore run
 * the layer themselves, the same way: reference and normal planner, 1 and 2 threads, after a first run on other
 * (valid) indices.
 */
class EmbedOpTest extends OpTestBase {
    static Tensor runEmbed(String text, List<Tensor> weights, int inputDim, Tensor x) {
        float[] decoy = new float[x.data().length];
        for (int i = 0; i < decoy.length; i++) {
            decoy[i] = (i * 7 + 3) % inputDim;
        }
        Tensor result = null;
        for (boolean reference : new boolean[]{true, false}) {
            for (int threads = 1; threads <= 2; threads++) {
                try (Model m = load(text, weights, reference, threads, x)) {
                    m.run(named(new Tensor(x.shape(), decoy)));
                    Tensor y = m.run(named(x)).get("y");
                    if (result != null) {
                        Tolerance.EXACT.assertClose("reference=" + reference + " threads=" + threads, result.data(),
                                y.data());
                    }
                    result = result == null ? y : result;
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return result;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void looksUpRowsTruncatingFloatIndices(long seed) {
        Random rnd = new Random(seed);
        int[] shape = randomShape(rnd);
        int inputDim = size(rnd, 1, 7), numOutput = size(rnd, 1, 5);
        boolean bias = seed % 2 == 1;
        Tensor x = new Tensor(shape, new float[(int) count(shape)]);
        for (int i = 0; i < x.data().length; i++) {
            // Fractions (and -0.5, which Caffe's cast makes 0) truncate toward zero.
            x.data()[i] = i % 5 == 0 ? -0.5f : rnd.nextInt(inputDim) + (seed > 3 ? 0.75f : 0f);
        }
        Tensor w = random(rnd, inputDim, numOutput), b = random(rnd, numOutput);
        List<Tensor> weights = bias ? List.of(w, b) : List.of(w);
        Tensor y = runEmbed(layer("Embed", "x0", "y", "embed_param { num_output: " + numOutput + " input_dim: "
                + inputDim + " bias_term: " + bias + " }"), weights, inputDim, x);
        int[] outShape = java.util.Arrays.copyOf(shape, shape.length + 1);
        outShape[shape.length] = numOutput;
        double[] expected = new double[(int) count(outShape)];
        for (int i = 0; i < x.data().length; i++) {
            int row = (int) x.data()[i];
            for (int j = 0; j < numOutput; j++) {
                expected[i * numOutput + j] = w.data()[row * numOutput + j] + (bias ? b.data()[j] : 0f);
            }
        }
        assertTensor(Tolerance.EXACT, outShape, expected, y);
    }

    @Test
    void refusesIndicesOutsideTheTableWhenRun() throws IOException {
        Tensor w = random(new Random(1), 3, 2);
        String text = layer("Embed", "x0", "y", "embed_param { num_output: 2 input_dim: 3 bias_term: false }");
        for (float bad : new float[]{3f, -1f, Float.NaN, 1e10f}) {
            Tensor x = new Tensor(new int[]{1, 2}, new float[]{0, bad});
            try (Model m = load(text, List.of(w), true, x)) {
                CaffeModelException e = assertThrows(CaffeModelException.class, () -> m.run(named(x)));
                assertTrue(e.getMessage().contains("layer 'op' (Embed)") && e.getMessage().contains("input_dim"),
                        e.getMessage());
            }
        }
    }

    @Test
    void rejectsMissingNumOutputOrInputDim() {
        Tensor x = new Tensor(new int[]{1, 1}, new float[]{0});
        assertRejected(ShapeException.class, "Embed", "embed_param.num_output",
                layer("Embed", "x0", "y", "embed_param { input_dim: 3 }"), List.of(random(new Random(1), 3, 1)), x);
        assertRejected(ShapeException.class, "Embed", "embed_param.input_dim",
                layer("Embed", "x0", "y", "embed_param { num_output: 2 }"), List.of(random(new Random(1), 1, 2)), x);
    }

    @Test
    void rejectsATableLargerThanAJavaArray() {
        Tensor x = new Tensor(new int[]{1, 1}, new float[]{0});
        assertRejected(ShapeException.class, "Embed", "embed_param.input_dim",
                layer("Embed", "x0", "y", "embed_param { num_output: 100000 input_dim: 100000 bias_term: false }"),
                List.of(), x);
    }

    @Test
    void rejectsWeightsOfTheWrongShape() {
        Tensor x = new Tensor(new int[]{1, 1}, new float[]{0});
        assertRejected(ShapeException.class, "Embed", "blobs[0]",
                layer("Embed", "x0", "y", "embed_param { num_output: 2 input_dim: 3 bias_term: false }"),
                List.of(random(new Random(1), 2, 3)), x);
    }

    @Test
    void batchFollowsTheInput() throws IOException {
        Tensor x = new Tensor(new int[]{3, 2}, new float[]{0, 1, 2, 2, 1, 0});
        Tensor first = new Tensor(new int[]{1, 2}, new float[]{0, 1});
        List<Tensor> weights = List.of(random(new Random(2), 3, 4), random(new Random(3), 4));
        String text = layer("Embed", "x0", "y", "embed_param { num_output: 4 input_dim: 3 }");
        Tensor expected = runEmbed(text, weights, 3, x);
        try (Model m = load(text, weights, false, first)) {
            m.run(named(first));
            Tensor y = m.run(named(x)).get("y");
            assertTensor(Tolerance.EXACT, new int[]{3, 2, 4}, toDouble(expected.data()), y);
        }
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
