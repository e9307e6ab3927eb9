package org.caffe4j.ops.registry;

import org.caffe4j.ops.ConvolutionOp;
import org.caffe4j.ops.DropoutOp;
import org.caffe4j.ops.InnerProductOp;
import org.caffe4j.ops.InputOp;
import org.caffe4j.ops.PoolingOp;
import org.caffe4j.ops.ReluOp;
import org.caffe4j.ops.SoftmaxOp;

/** Every layer type caffe4j runs: one line each. */
final class BuiltinOps {
    static final OpRegistry REGISTRY = OpRegistry.of(
            new InputOp(),
            new ConvolutionOp(),
            new ReluOp(),
            new PoolingOp(),
            new DropoutOp(),
            new SoftmaxOp(),
            new InnerProductOp()
    );

    private BuiltinOps() {
    }
}
