package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

class ConcatOpTest extends OpTestBase {
    /** Row-major strides of a shape. */
    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Concatenation written element by element: each output index maps back to one input element. */
    static double[] concat(Tensor[] ins, int axis, int[] outShape) {
        int[] os = strides(outShape);
        double[] out = new double[(int) count(outShape)];
        for (int i = 0; i < out.length; i++) {
            int[] idx = new int[outShape.length];
            for (int a = 0; a < idx.length; a++) {
                idx[a] = i / os[a] % outShape[a];
            }
            int b = 0, pos = idx[axis];
            while (pos >= ins[b].dim(axis)) {
                pos -= ins[b].dim(axis);
                b++;
            }
            idx[axis] = pos;
            int[] is = strides(ins[b].shape());
            int flat = 0;
            for (int a = 0; a < idx.length; a++) {
                flat += idx[a] * is[a];
            }
            out[i] = ins[b].data()[flat];
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void concatenatesRandomBlobsAlongRandomAxis(long seed) {
        Random rnd = new Random(seed);
        int[] base = randomShape(rnd);
        int axis = rnd.nextInt(base.length);
        Tensor[] ins = new Tensor[1 + rnd.nextInt(3)];
        int total = 0;
        StringBuilder bottoms = new StringBuilder();
        for (int i = 0; i < ins.length; i++) {
            int[] s = base.clone();
            s[axis] = size(rnd, 1, 4);
            total += s[axis];
            ins[i] = random(rnd, s);
            bottoms.append(i == 0 ? "" : " ").append("x").append(i);
        }
        int[] outShape = base.clone();
        outShape[axis] = total;
        String param = switch ((int) (seed % 3)) {
            case 0 -> "concat_param { axis: " + axis + " }";
            case 1 -> "concat_param { axis: " + (axis - base.length) + " }";
            default -> "concat_param { concat_dim: " + axis + " }";
        };
        Tensor y = runOne(layer("Concat", bottoms.toString(), "y", param), ins);
        assertTensor(Tolerance.EXACT, outShape, concat(ins, axis, outShape), y);
    }

    @Test
    void defaultAxisIsChannels() {
        Random rnd = new Random(4);
        Tensor a = random(rnd, 2, 3, 2, 5), b = random(rnd, 2, 1, 2, 5);
        Tensor y = runOne(layer("Concat", "x0 x1", "y", ""), a, b);
        assertTensor(Tolerance.EXACT, new int[]{2, 4, 2, 5}, concat(new Tensor[]{a, b}, 1, new int[]{2, 4, 2, 5}), y);
    }

    @Test
    void rejectsAxisTogetherWithConcatDim() {
        Tensor a = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Concat", "concat_param.concat_dim",
                layer("Concat", "x0 x1", "y", "concat_param { axis: 1 concat_dim: 1 }"), a, a);
    }

    @Test
    void rejectsMismatchedOtherAxis() {
        Random rnd = new Random(1);
        assertRejected(ShapeException.class, "Concat", "bottom[1]", layer("Concat", "x0 x1", "y", ""),
                random(rnd, 2, 3, 4), random(rnd, 2, 3, 5));
    }

    @Test
    void rejectsConcatDimOutOfRange() {
        Tensor a = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Concat", "concat_param.concat_dim",
                layer("Concat", "x0 x1", "y", "concat_param { concat_dim: 2 }"), a, a);
    }
}
