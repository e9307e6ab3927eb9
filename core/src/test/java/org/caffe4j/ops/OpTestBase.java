package org.caffe4j.ops;

import org.caffe4j.proto.Caffe;
import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Assertions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs one layer the way a user would: a prototxt with an Input layer (tops x0, x1, ... shaped like the given
 * tensors) followed by the layer under test, which must be named "op"; its weights, if any, come from an
 * in-memory caffemodel. Each case is run with the reference planner and with the normal planner (which reuses
 * buffers and runs elementwise layers in place), the latter on 1 and 2 threads (bit-identical), each time after a
 * first run on other values so that kernels see dirty buffers. Both planners must agree exactly, unless the op
 * lowers to a fast kernel that sums in another order, whose tolerance against the reference the test then gives.
 */
abstract class OpTestBase {
    /** Seeds for the randomized cases: fixed, so failures reproduce. */
    static final long[] SEEDS = {1, 2, 3, 4, 5, 6};

    /** Uniform values in [-2, 2). */
    static Tensor random(Random rnd, int... shape) {
        return uniform(rnd, -2, 2, shape);
    }

    static Tensor uniform(Random rnd, double lo, double hi, int... shape) {
        float[] d = new float[Math.toIntExact(count(shape))];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return new Tensor(shape, d);
    }

    static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** A random size in [lo, hi]. */
    static int size(Random rnd, int lo, int hi) {
        return lo + rnd.nextInt(hi - lo + 1);
    }

    static String inputLayer(Tensor... inputs) {
        StringBuilder sb = new StringBuilder("layer { name: \"in\" type: \"Input\"");
        for (int i = 0; i < inputs.length; i++) {
            sb.append(" top: \"x").append(i).append('"');
        }
        sb.append(" input_param {");
        for (Tensor t : inputs) {
            sb.append(" shape {");
            for (int d : t.shape()) {
                sb.append(" dim: ").append(d);
            }
            sb.append(" }");
        }
        return sb.append(" } }\n").toString();
    }

    static byte[] caffemodel(List<Tensor> weights) {
        Caffe.LayerParameter.Builder layer = Caffe.LayerParameter.newBuilder().setName("op");
        for (Tensor w : weights) {
            Caffe.BlobShape.Builder shape = Caffe.BlobShape.newBuilder();
            for (int d : w.shape()) {
                shape.addDim(d);
            }
            Caffe.BlobProto.Builder b = Caffe.BlobProto.newBuilder().setShape(shape);
            for (float v : w.data()) {
                b.addData(v);
            }
            layer.addBlobs(b);
        }
        return Caffe.NetParameter.newBuilder().addLayer(layer).build().toByteArray();
    }

    static Model load(String layerText, List<Tensor> weights, boolean reference, Tensor... inputs) throws IOException {
        return load(layerText, weights, reference, 2, inputs);
    }

    static Model load(String layerText, List<Tensor> weights, boolean reference, int threads, Tensor... inputs)
            throws IOException {
        String prototxt = "name: \"one_layer\"\n" + inputLayer(inputs) + layerText;
        LoadOptions options = LoadOptions.defaults().withThreads(threads).withReference(reference);
        return Model.load(new ByteArrayInputStream(prototxt.getBytes(StandardCharsets.UTF_8)),
                weights.isEmpty() ? null : new ByteArrayInputStream(caffemodel(weights)), options);
    }

    static Map<String, Tensor> named(Tensor... inputs) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            m.put("x" + i, inputs[i]);
        }
        return m;
    }

    /** Runs the layer and returns the net's outputs (the layer's tops) by blob name. */
    static Map<String, Tensor> run(String layerText, List<Tensor> weights, Tensor... inputs) {
        return run(layerText, weights, Tolerance.EXACT, inputs);
    }

    /** As {@link #run(String, List, Tensor...)}, the fast kernels agreeing with the reference within {@code fast}. */
    static Map<String, Tensor> run(String layerText, List<Tensor> weights, Tolerance fast, Tensor... inputs) {
        Tensor[] decoys = new Tensor[inputs.length];
        Random rnd = new Random(99);
        for (int i = 0; i < inputs.length; i++) {
            decoys[i] = uniform(rnd, -50, 50, inputs[i].shape());
        }
        Map<String, Tensor> reference = runTwice(layerText, weights, true, 2, decoys, inputs);
        Map<String, Tensor> planned = runTwice(layerText, weights, false, 2, decoys, inputs);
        // Work splits depend on the shape only, so one thread must give the very same bits.
        Map<String, Tensor> serial = runTwice(layerText, weights, false, 1, decoys, inputs);
        for (String name : planned.keySet()) {
            Tolerance.EXACT.assertClose(name + " (1 thread vs 2)", planned.get(name).data(), serial.get(name).data());
        }
        Assertions.assertEquals(reference.keySet(), planned.keySet(), "outputs of the two planners");
        for (String name : reference.keySet()) {
            assertArrayEquals(reference.get(name).shape(), planned.get(name).shape(), name + " shape");
            fast.assertClose(name + " (planned vs reference planner)", reference.get(name).data(),
                    planned.get(name).data());
        }
        return reference;
    }

    static Map<String, Tensor> run(String layerText, Tensor... inputs) {
        return run(layerText, List.of(), inputs);
    }

    private static Map<String, Tensor> runTwice(String layerText, List<Tensor> weights, boolean reference, int threads,
                                                Tensor[] decoys, Tensor[] inputs) {
        try (Model m = load(layerText, weights, reference, threads, inputs)) {
            // Inputs are copied into the model's buffers, so the callers' arrays stay untouched.
            m.run(named(decoys));
            return m.run(named(inputs));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The one output blob. */
    static Tensor runOne(String layerText, List<Tensor> weights, Tensor... inputs) {
        return runOne(layerText, weights, Tolerance.EXACT, inputs);
    }

    static Tensor runOne(String layerText, List<Tensor> weights, Tolerance fast, Tensor... inputs) {
        Map<String, Tensor> out = run(layerText, weights, fast, inputs);
        Assertions.assertEquals(1, out.size(), "outputs: " + out.keySet());
        return out.values().iterator().next();
    }

    static Tensor runOne(String layerText, Tensor... inputs) {
        return runOne(layerText, List.of(), inputs);
    }

    static void assertTensor(Tolerance tol, int[] expectedShape, double[] expected, Tensor actual) {
        assertArrayEquals(expectedShape, actual.shape(), "shape: expected " + Arrays.toString(expectedShape)
                + ", got " + actual.shapeString());
        float[] e = new float[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) expected[i];
        }
        tol.assertClose("output", e, actual.data());
    }

    /**
     * Loading and running the layer fails with {@code type}, and the message names the layer and the field.
     */
    static <T extends Exception> T assertRejected(Class<T> type, String layerType, String field, String layerText,
                                                  List<Tensor> weights, Tensor... inputs) {
        T e = assertThrows(type, () -> {
            try (Model m = load(layerText, weights, true, inputs)) {
                m.run(named(inputs));
            }
        });
        String msg = e.getMessage();
        assertTrue(msg.contains("layer 'op' (" + layerType + ")"), "message should name the layer: " + msg);
        assertTrue(msg.contains(field), "message should name " + field + ": " + msg);
        return e;
    }

    static <T extends Exception> T assertRejected(Class<T> type, String layerType, String field, String layerText,
                                                  Tensor... inputs) {
        return assertRejected(type, layerType, field, layerText, List.of(), inputs);
    }

    /** A random shape of rank 1 to 4 with odd and even sizes; the first (batch) dim is 1 to 3. */
    static int[] randomShape(Random rnd) {
        int[] shape = new int[1 + rnd.nextInt(4)];
        shape[0] = size(rnd, 1, 3);
        for (int i = 1; i < shape.length; i++) {
            shape[i] = size(rnd, 1, 9);
        }
        return shape;
    }

    static String layer(String type, String bottoms, String tops, String params) {
        StringBuilder sb = new StringBuilder("layer { name: \"op\" type: \"" + type + "\"");
        for (String b : bottoms.split(" ")) {
            sb.append(" bottom: \"").append(b).append('"');
        }
        for (String t : tops.split(" ")) {
            sb.append(" top: \"").append(t).append('"');
        }
        return sb.append(' ').append(params).append(" }\n").toString();
    }

    /**
     * Checks a one-input elementwise layer on a random shape and inputs in [lo, hi] against {@code f}, computed in
     * double. Odd seeds run the layer in place (top == bottom).
     */
    static void checkUnary(String type, String params, java.util.function.DoubleUnaryOperator f, Tolerance tol,
                           long seed, double lo, double hi) {
        Random rnd = new Random(seed);
        Tensor x = uniform(rnd, lo, hi, randomShape(rnd));
        Tensor y = runOne(layer(type, "x0", seed % 2 == 1 ? "x0" : "y", params), x);
        double[] expected = new double[x.data().length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = f.applyAsDouble(x.data()[i]);
        }
        assertTensor(tol, x.shape(), expected, y);
    }

    /** Checks a one-input elementwise layer on the given values (shape 1 x n). */
    static void checkValues(String type, String params, java.util.function.DoubleUnaryOperator f, Tolerance tol,
                            float... values) {
        Tensor x = new Tensor(new int[]{1, values.length}, values.clone());
        Tensor y = runOne(layer(type, "x0", "y", params), x);
        double[] expected = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            expected[i] = f.applyAsDouble(values[i]);
        }
        assertTensor(tol, x.shape(), expected, y);
    }

    /**
     * A net declared for batch 1 and fed a larger batch reshapes like Caffe's Net::Reshape: every output must equal
     * that of the net declared with the real batch.
     */
    static void assertBatchFollowsInput(String layerText, List<Tensor> weights, Tensor... inputs) {
        assertBatchFollowsInput(layerText, weights, Tolerance.EXACT, inputs);
    }

    static void assertBatchFollowsInput(String layerText, List<Tensor> weights, Tolerance fast, Tensor... inputs) {
        Tensor[] single = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            int[] s = inputs[i].shape();
            s[0] = 1;
            single[i] = new Tensor(s, java.util.Arrays.copyOf(inputs[i].data(), (int) count(s)));
        }
        Map<String, Tensor> expected = run(layerText, weights, fast, inputs);
        Map<String, Tensor> actual;
        try (Model m = load(layerText, weights, false, single)) {
            m.run(named(single));
            actual = m.run(named(inputs));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Assertions.assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).shape(), actual.get(name).shape(), name + " shape after reshape");
            fast.assertClose(name + " after reshape", expected.get(name).data(), actual.get(name).data());
        }
    }
}
