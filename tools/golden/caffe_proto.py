"""Shared helpers for the golden-data tools: caffe_pb2 generated at run time, prototxt parsing, TEST-phase view.

Run every tool here with Debian's /usr/bin/python3 (python3-opencv, python3-protobuf, protobuf-compiler).
Nothing here depends on caffe4j's Java code: the golden data must come from an independent implementation.
"""
import hashlib
import importlib
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_pb2 = None


def caffe_pb2():
    """Compiles the repo's proto/caffe.proto with protoc into a temp dir and imports it (once per process)."""
    global _pb2
    if _pb2 is None:
        out = tempfile.mkdtemp(prefix="caffe_pb2_")
        proto_dir = os.path.join(REPO, "proto")
        subprocess.run(["protoc", "-I", proto_dir, "--python_out", out, os.path.join(proto_dir, "caffe.proto")],
                       check=True)
        sys.path.insert(0, out)
        _pb2 = importlib.import_module("caffe_pb2")
    return _pb2


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_prototxt(path):
    from google.protobuf import text_format
    net = caffe_pb2().NetParameter()
    with open(path) as f:
        text_format.Merge(f.read(), net)
    return net


# V1 enum name -> V2 type string, for the types these tools need to recognise (Caffe's UpgradeV1LayerType table).
V1_TO_V2 = {
    "ABSVAL": "AbsVal", "ACCURACY": "Accuracy", "ARGMAX": "ArgMax", "BNLL": "BNLL", "CONCAT": "Concat",
    "CONTRASTIVE_LOSS": "ContrastiveLoss", "CONVOLUTION": "Convolution", "DECONVOLUTION": "Deconvolution",
    "DATA": "Data", "DROPOUT": "Dropout", "DUMMY_DATA": "DummyData", "EUCLIDEAN_LOSS": "EuclideanLoss",
    "ELTWISE": "Eltwise", "EXP": "Exp", "FLATTEN": "Flatten", "HDF5_DATA": "HDF5Data", "HDF5_OUTPUT": "HDF5Output",
    "HINGE_LOSS": "HingeLoss", "IM2COL": "Im2col", "IMAGE_DATA": "ImageData", "INFOGAIN_LOSS": "InfogainLoss",
    "INNER_PRODUCT": "InnerProduct", "LRN": "LRN", "MEMORY_DATA": "MemoryData",
    "MULTINOMIAL_LOGISTIC_LOSS": "MultinomialLogisticLoss", "MVN": "MVN", "POOLING": "Pooling", "POWER": "Power",
    "RELU": "ReLU", "SIGMOID": "Sigmoid", "SIGMOID_CROSS_ENTROPY_LOSS": "SigmoidCrossEntropyLoss",
    "SILENCE": "Silence", "SOFTMAX": "Softmax", "SOFTMAX_LOSS": "SoftmaxWithLoss", "SPLIT": "Split",
    "SLICE": "Slice", "TANH": "TanH", "WINDOW_DATA": "WindowData", "THRESHOLD": "Threshold",
}

DATA_SOURCE_TYPES = {"Data", "ImageData", "HDF5Data", "WindowData", "MemoryData", "DummyData", "Input",
                     "DenseImageData"}  # the last: SegNet's fork


class LayerView:
    """A V1 or V2 layer seen uniformly: name, V2 type string, bottoms, tops, and the raw message."""

    def __init__(self, msg, v1):
        self.msg = msg
        self.v1 = v1
        self.name = msg.name
        if v1:
            enum_name = caffe_pb2().V1LayerParameter.LayerType.Name(msg.type)
            self.type = V1_TO_V2.get(enum_name, enum_name)
        else:
            self.type = msg.type
        self.bottoms = list(msg.bottom)
        self.tops = list(msg.top)

    def is_loss_or_metric(self):
        return self.type.endswith("Loss") or self.type in ("Accuracy", "Silence")


def layers_of(net):
    if len(net.layer) and len(net.layers):
        raise SystemExit("net has both V2 'layer' and V1 'layers' (Caffe refuses this too)")
    if len(net.layers):
        if any(l.HasField("layer") for l in net.layers):
            raise SystemExit("V0 nets are not supported by these tools")
        return [LayerView(l, True) for l in net.layers]
    return [LayerView(l, False) for l in net.layer]


def _rule_matches(rule, phase):
    if rule.HasField("phase") and rule.phase != phase:
        return False
    if rule.HasField("min_level") or rule.HasField("max_level") or len(rule.stage) or len(rule.not_stage):
        # Caffe's default state has level 0 and no stages.
        if rule.HasField("min_level") and 0 < rule.min_level:
            return False
        if rule.HasField("max_level") and 0 > rule.max_level:
            return False
        if len(rule.stage):
            return False
    return True


def in_test_phase(layer):
    """Caffe's Net::StateMeetsRule for phase TEST, level 0, no stages."""
    test = caffe_pb2().TEST
    msg = layer.msg
    if len(msg.include):
        return any(_rule_matches(r, test) for r in msg.include)
    if len(msg.exclude):
        return not any(_rule_matches(r, test) for r in msg.exclude)
    return True
