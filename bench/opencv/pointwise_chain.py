"""Writes a chain of 1x1 convolutions (each followed by ReLU) as an ONNX model plus its weights as raw float32.

    pointwise_chain.py OUT.onnx OUT.f32 CHANNELS SIZE DEPTH

The model maps 1 x CHANNELS x SIZE x SIZE to the same shape through DEPTH layers of CHANNELS -> CHANNELS 1x1
convolutions with bias and ReLU: NIN's cccp layers, without the k x k convolution between them. OUT.f32 holds each
layer's weights (CHANNELS x CHANNELS, OIHW) then its bias, little-endian, layer after layer, for
PointwiseChainComparison to build caffe4j's kernels from the same numbers. Seeded: the same arguments give the same
files. Needs Debian's python3-onnx and python3-numpy.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(argv):
    if len(argv) != 6:
        sys.exit("usage: pointwise_chain.py OUT.onnx OUT.f32 CHANNELS SIZE DEPTH")
    onnx_path, weights_path = argv[1], argv[2]
    channels, size, depth = int(argv[3]), int(argv[4]), int(argv[5])
    rng = np.random.default_rng(1)
    nodes, initializers, raw = [], [], []
    previous = "x"
    for i in range(depth):
        # Scaled so that activations keep their magnitude through the chain.
        w = ((rng.random((channels, channels, 1, 1), dtype=np.float32) - 0.5) * (2.0 / np.sqrt(channels)))
        b = (rng.random(channels, dtype=np.float32) - 0.5) * 0.1
        w, b = w.astype(np.float32), b.astype(np.float32)
        raw += [w.ravel(), b]
        initializers += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(b, f"b{i}")]
        nodes += [helper.make_node("Conv", [previous, f"w{i}", f"b{i}"], [f"conv{i}"], kernel_shape=[1, 1]),
                  helper.make_node("Relu", [f"conv{i}"], [f"relu{i}"])]
        previous = f"relu{i}"
    nodes.append(helper.make_node("Identity", [previous], ["y"]))
    shape = [1, channels, size, size]
    graph = helper.make_graph(nodes, "pointwise_chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, onnx_path)
    np.concatenate(raw).astype("<f4").tofile(weights_path)


if __name__ == "__main__":
    main(sys.argv)
