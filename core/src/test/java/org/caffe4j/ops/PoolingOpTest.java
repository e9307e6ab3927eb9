package org.caffe4j.ops;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.caffe4j.ir.Blob;
import org.caffe4j.ir.Shape;
import org.caffe4j.kernels.Parallel;
import org.caffe4j.kernels.ThreadPoolParallel;
import org.caffe4j.kernels.pool.Pool2dReference;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** PoolingOp's lowered kernels (vector MAX and AVE over plane runs) against its reference kernel, bit for bit. */
class PoolingOpTest {
    private static final ThreadPoolParallel POOL = new ThreadPoolParallel(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Stream<Arguments> layers() {
        // max, global, kernelH, kernelW, strideH, strideW, padH, padW, ceil; input
        return Stream.of(
                Arguments.of(new PoolingOp.Params(true, false, 3, 3, 2, 2, 0, 0, true), Shape.of(2, 5, 54, 54)),
                Arguments.of(new PoolingOp.Params(true, false, 3, 3, 2, 2, 1, 1, true), Shape.of(3, 7, 13, 13)),
                Arguments.of(new PoolingOp.Params(false, false, 3, 2, 2, 1, 1, 1, true), Shape.of(2, 3, 9, 8)),
                Arguments.of(new PoolingOp.Params(false, true, 0, 0, 1, 1, 0, 0, true), Shape.of(2, 33, 6, 6)),
                Arguments.of(new PoolingOp.Params(true, true, 0, 0, 1, 1, 0, 0, true), Shape.of(1, 17, 5, 7)),
                // AVE on the vector kernel: wide rows (strided, padded, ceil and floor), narrow rows across planes.
                Arguments.of(new PoolingOp.Params(false, false, 3, 3, 2, 2, 1, 1, true), Shape.of(2, 5, 27, 29)),
                Arguments.of(new PoolingOp.Params(false, false, 2, 3, 2, 2, 1, 2, false), Shape.of(3, 4, 11, 45)),
                Arguments.of(new PoolingOp.Params(false, false, 3, 3, 1, 1, 1, 1, true), Shape.of(2, 3, 5, 40)),
                Arguments.of(new PoolingOp.Params(false, false, 3, 3, 2, 2, 0, 0, true), Shape.of(3, 21, 7, 9)),
                Arguments.of(new PoolingOp.Params(false, true, 0, 0, 1, 1, 0, 0, true), Shape.of(3, 40, 7, 5)));
    }

    @ParameterizedTest
    @MethodSource("layers")
    void loweredKernelMatchesReference(PoolingOp.Params p0, Shape in) {
        PoolingOp.Params p = PoolingOp.resolve(p0, in.dim(2), in.dim(3));
        int oh = Pool2dReference.outputSize(in.dim(2), p.kernelH(), p.padH(), p.strideH(), p.ceil());
        int ow = Pool2dReference.outputSize(in.dim(3), p.kernelW(), p.padW(), p.strideW(), p.ceil());
        Shape out = Shape.of(in.dim(0), in.dim(1), oh, ow);
        KernelContext ctx = new KernelContext() {
            @Override
            public String layerName() {
                return "pool";
            }

            @Override
            public List<Shape> inputShapes() {
                return List.of(in);
            }

            @Override
            public List<Shape> outputShapes() {
                return List.of(out);
            }

            @Override
            public List<Blob> weights() {
                return List.of();
            }

            @Override
            public Float fusedReluSlope() {
                return null;
            }

            @Override
            public <T> T memo(String key, Supplier<T> compute) {
                return compute.get();
            }
        };
        Random rnd = new Random(in.count());
        float[] input = new float[(int) in.count()];
        for (int i = 0; i < input.length; i++) {
            input[i] = rnd.nextFloat() * 2 - 1;
        }
        PoolingOp op = new PoolingOp();
        float[] expected = new float[(int) out.count()];
        op.reference(p0, ctx).run(new float[][] {input}, new float[][] {expected}, Parallel.SERIAL);
        for (Parallel par : new Parallel[] {Parallel.SERIAL, POOL}) {
            float[] actual = new float[(int) out.count()];
            op.lower(p0, ctx).run(new float[][] {input}, new float[][] {actual}, par);
            Tolerance.EXACT.assertClose(p0 + " on " + in, expected, actual);
        }
    }

    @Test
    void tasksTakeWholeVectorsOfPlanesAndCoverThemAll() {
        for (int planes : new int[] {1, 3, 15, 16, 17, 64, 96, 255, 1000, 1024, 4096, 100_000}) {
            int perTask = PoolingOp.planesPerTask(planes);
            int tasks = (planes + perTask - 1) / perTask;
            org.junit.jupiter.api.Assertions.assertTrue(tasks <= PoolingOp.TASKS && tasks * perTask >= planes,
                    planes + " planes: " + tasks + " tasks of " + perTask);
            if (planes >= PoolingOp.PLANE_MULTIPLE) {
                org.junit.jupiter.api.Assertions.assertEquals(0, perTask % PoolingOp.PLANE_MULTIPLE,
                        planes + " planes: runs of " + perTask);
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(64, PoolingOp.planesPerTask(1000), "SqueezeNet's pool10");
    }
}
