#!/usr/bin/env python3
"""Converts a Caffe deploy net (a V2 prototxt with an Input layer, as `caffe4j upgrade` writes it) and its
caffemodel to ONNX, so that the speed comparison can run ONNX Runtime on the same model and weights.

    caffe_to_onnx.py CAFFE_PROTO DEPLOY.prototxt WEIGHTS.caffemodel OUT.onnx

CAFFE_PROTO is the repository's proto/caffe.proto (compiled here with protoc). Covers the layers of the zoo's
classification nets: Input, Convolution (grouped too), ReLU, Pooling (MAX; AVE without padding; global),
Dropout, InnerProduct, Softmax, LRN (across channels), Concat, Eltwise (SUM without coefficients, PROD, MAX),
BatchNorm with stored statistics, Scale. Anything else, or a parameter whose Caffe meaning ONNX does not have (e.g.
AVE pooling over padded borders, whose divisor differs), stops the conversion with an error: a silently different
model would make the comparison meaningless. (Padded MAX pooling is converted with ceil_mode; where Caffe drops a
last window that would start in the padding, the output shapes differ, and the comparison's output check stops.)
Needs Debian's python3-onnx and protobuf-compiler.
"""
import importlib
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def load_caffe_pb2(proto):
    out = tempfile.mkdtemp(prefix="caffe_pb2_")
    subprocess.run(["protoc", "--python_out=" + out, "-I", os.path.dirname(os.path.abspath(proto)),
                    os.path.abspath(proto)], check=True)
    sys.path.insert(0, out)
    return importlib.import_module("caffe_pb2")


def pair(values, single, h, w, default):
    """Caffe's kernel/stride/pad: the _h/_w fields win, else the repeated field (one value or two), else default."""
    if h is not None and w is not None:
        return [h, w]
    if len(values) == 1:
        return [values[0], values[0]]
    if len(values) == 2:
        return list(values)
    return [single, single] if single is not None else [default, default]


def fail(layer, message):
    sys.exit("error: layer %s (%s): %s" % (layer.name, layer.type, message))


def main(proto, net_path, weights_path, out_path):
    caffe_pb2 = load_caffe_pb2(proto)
    from google.protobuf import text_format
    net = caffe_pb2.NetParameter()
    with open(net_path) as f:
        text_format.Merge(f.read(), net)
    if net.layers or net.input or not net.layer:
        sys.exit("error: %s: not a V2 net with an Input layer; convert it with `caffe4j upgrade` first" % net_path)
    trained = caffe_pb2.NetParameter()
    with open(weights_path, "rb") as f:
        trained.ParseFromString(f.read())
    blobs = {}
    for layer in list(trained.layer) + list(trained.layers):
        if layer.blobs:
            blobs[layer.name] = [np.array(b.data, dtype=np.float32).reshape(
                tuple(b.shape.dim) if b.HasField("shape") else (b.num, b.channels, b.height, b.width))
                for b in layer.blobs]

    nodes, inits, inputs = [], [], []
    current = {}  # Caffe blob name -> ONNX value name (in-place layers give a blob a new value)
    last = None

    def value(blob):
        return current[blob]

    def fresh(blob, layer):
        name = "%s__%s" % (blob, layer.name)
        current[blob] = name
        return name

    for layer in net.layer:
        t = layer.type
        if t == "Input":
            for top, shape in zip(layer.top, layer.input_param.shape):
                inputs.append(helper.make_tensor_value_info(top, TensorProto.FLOAT, list(shape.dim)))
                current[top] = top
            continue
        x = value(layer.bottom[0])
        if t == "Convolution":
            p = layer.convolution_param
            w = blobs[layer.name][0]
            kernel = pair(p.kernel_size, None, p.kernel_h if p.HasField("kernel_h") else None,
                          p.kernel_w if p.HasField("kernel_w") else None, None)
            stride = pair(p.stride, None, p.stride_h if p.HasField("stride_h") else None,
                          p.stride_w if p.HasField("stride_w") else None, 1)
            pad = pair(p.pad, None, p.pad_h if p.HasField("pad_h") else None,
                       p.pad_w if p.HasField("pad_w") else None, 0)
            dilation = pair(p.dilation, None, None, None, 1)
            if list(w.shape[2:]) != kernel:
                fail(layer, "weights %s do not match kernel %s" % (w.shape, kernel))
            names = [x, layer.name + "_w"]
            inits.append(numpy_helper.from_array(w, layer.name + "_w"))
            if p.bias_term:
                inits.append(numpy_helper.from_array(blobs[layer.name][1].reshape(-1), layer.name + "_b"))
                names.append(layer.name + "_b")
            nodes.append(helper.make_node("Conv", names, [fresh(layer.top[0], layer)], name=layer.name,
                                          kernel_shape=kernel, strides=stride, pads=pad + pad,
                                          dilations=dilation, group=p.group))
        elif t == "ReLU":
            slope = layer.relu_param.negative_slope
            out = fresh(layer.top[0], layer)
            if slope == 0:
                nodes.append(helper.make_node("Relu", [x], [out], name=layer.name))
            else:
                nodes.append(helper.make_node("LeakyRelu", [x], [out], name=layer.name, alpha=slope))
        elif t == "Pooling":
            p = layer.pooling_param
            out = fresh(layer.top[0], layer)
            if p.global_pooling:
                op = {0: "GlobalMaxPool", 1: "GlobalAveragePool"}.get(p.pool)
                if op is None:
                    fail(layer, "pool method %d" % p.pool)
                nodes.append(helper.make_node(op, [x], [out], name=layer.name))
                continue
            kernel = pair([], p.kernel_size if p.HasField("kernel_size") else None,
                          p.kernel_h if p.HasField("kernel_h") else None,
                          p.kernel_w if p.HasField("kernel_w") else None, None)
            stride = pair([], p.stride, p.stride_h if p.HasField("stride_h") else None,
                          p.stride_w if p.HasField("stride_w") else None, 1)
            pad = pair([], p.pad, p.pad_h if p.HasField("pad_h") else None,
                       p.pad_w if p.HasField("pad_w") else None, 0)
            if pad != [0, 0] and p.pool != 0:
                # Caffe clips the last window of a padded, ceil-rounded output and (AVE) divides by the window
                # clipped to the padded input; ONNX's ceil_mode and count_include_pad differ from that.
                fail(layer, "padded pooling has no exact ONNX equivalent here")
            op = {0: "MaxPool", 1: "AveragePool"}.get(p.pool)
            if op is None:
                fail(layer, "pool method %d" % p.pool)
            # Caffe rounds the output size up; without padding ONNX's ceil_mode gives the same windows.
            nodes.append(helper.make_node(op, [x], [out], name=layer.name, kernel_shape=kernel, strides=stride,
                                          pads=pad + pad, ceil_mode=1))
        elif t == "Dropout":
            current[layer.top[0]] = x  # identity at inference
        elif t == "InnerProduct":
            p = layer.inner_product_param
            w = blobs[layer.name][0].reshape(p.num_output, -1) if not p.transpose \
                else blobs[layer.name][0].reshape(-1, p.num_output).T
            flat = layer.name + "_flat"
            nodes.append(helper.make_node("Flatten", [x], [flat], name=layer.name + "_flatten", axis=1))
            inits.append(numpy_helper.from_array(np.ascontiguousarray(w), layer.name + "_w"))
            names = [flat, layer.name + "_w"]
            if p.bias_term:
                inits.append(numpy_helper.from_array(blobs[layer.name][1].reshape(-1), layer.name + "_b"))
                names.append(layer.name + "_b")
            nodes.append(helper.make_node("Gemm", names, [fresh(layer.top[0], layer)], name=layer.name, transB=1))
        elif t == "Softmax":
            nodes.append(helper.make_node("Softmax", [x], [fresh(layer.top[0], layer)], name=layer.name,
                                          axis=layer.softmax_param.axis))
        elif t == "LRN":
            p = layer.lrn_param
            if p.norm_region != 0:
                fail(layer, "only ACROSS_CHANNELS")
            # Both divide by (k + alpha / size * sum of squares) ^ beta over size channels.
            nodes.append(helper.make_node("LRN", [x], [fresh(layer.top[0], layer)], name=layer.name,
                                          size=p.local_size, alpha=p.alpha, beta=p.beta, bias=p.k))
        elif t == "Concat":
            p = layer.concat_param
            axis = p.axis if p.HasField("axis") or not p.HasField("concat_dim") else p.concat_dim
            nodes.append(helper.make_node("Concat", [value(b) for b in layer.bottom], [fresh(layer.top[0], layer)],
                                          name=layer.name, axis=axis))
        elif t == "Eltwise":
            p = layer.eltwise_param
            if any(c != 1 for c in p.coeff):
                fail(layer, "coefficients")
            op = {0: "Mul", 1: "Sum", 2: "Max"}[p.operation]
            ins = [value(b) for b in layer.bottom]
            if op == "Mul" and len(ins) != 2:
                fail(layer, "PROD of %d inputs" % len(ins))
            nodes.append(helper.make_node(op, ins, [fresh(layer.top[0], layer)], name=layer.name))
        elif t == "BatchNorm":
            mean, var, factor = blobs[layer.name][:3]
            f = factor.reshape(-1)[0]
            f = 0 if f == 0 else 1 / f  # Caffe's moving-average factor: the stored sums over it
            channels = mean.size
            names = [x] + [layer.name + suffix for suffix in ("_one", "_zero", "_mean", "_var")]
            for name, v in zip(names[1:], (np.ones(channels), np.zeros(channels), mean.reshape(-1) * f,
                                           var.reshape(-1) * f)):
                inits.append(numpy_helper.from_array(v.astype(np.float32), name))
            nodes.append(helper.make_node("BatchNormalization", names, [fresh(layer.top[0], layer)],
                                          name=layer.name, epsilon=layer.batch_norm_param.eps))
        elif t == "Scale":
            p = layer.scale_param
            if len(layer.bottom) != 1 or p.axis != 1:
                fail(layer, "only a learned per-channel scale")
            gamma = blobs[layer.name][0].reshape(-1, 1, 1).astype(np.float32)
            inits.append(numpy_helper.from_array(gamma, layer.name + "_w"))
            scaled = layer.name + "_mul" if p.bias_term else fresh(layer.top[0], layer)
            nodes.append(helper.make_node("Mul", [x, layer.name + "_w"], [scaled], name=layer.name))
            if p.bias_term:
                inits.append(numpy_helper.from_array(blobs[layer.name][1].reshape(-1, 1, 1).astype(np.float32),
                                                     layer.name + "_b"))
                nodes.append(helper.make_node("Add", [scaled, layer.name + "_b"], [fresh(layer.top[0], layer)],
                                              name=layer.name + "__bias"))
        else:
            fail(layer, "not supported by this converter")
        last = layer.top[0]

    def build(outputs):
        graph = helper.make_graph(nodes, net.name or "net", inputs, outputs, inits)
        built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                                  producer_name="caffe4j bench/opencv/caffe_to_onnx.py")
        built.ir_version = 8  # what onnx 1.12 writes; ONNX Runtime 1.20 reads IR 3-10
        return built

    # The output's shape comes from ONNX's own shape inference over the finished graph.
    inferred = onnx.shape_inference.infer_shapes(build([]))
    shapes = {v.name: v for v in inferred.graph.value_info}
    if current[last] not in shapes:
        sys.exit("error: ONNX shape inference gave no shape for the output " + last)
    model = build([shapes[current[last]]])
    onnx.checker.check_model(model)
    onnx.save(model, out_path)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: caffe_to_onnx.py CAFFE_PROTO DEPLOY.prototxt WEIGHTS.caffemodel OUT.onnx")
    main(*sys.argv[1:])
