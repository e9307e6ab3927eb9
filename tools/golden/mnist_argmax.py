#!/usr/bin/python3
"""Writes OpenCV's LeNet prediction (argmax of the last blob) for every MNIST test image, one digit per line.

usage: /usr/bin/python3 tools/golden/mnist_argmax.py PROTOTXT CAFFEMODEL t10k-images-idx3-ubyte.gz OUT.txt
Input = pixels x 0.00390625 (LeNet's transform_param scale), batches of 500.
"""
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_inputs import read_idx  # noqa: E402


def main(prototxt, caffemodel, images, out):
    x = read_idx(images).astype(np.float32)[:, None, :, :] * np.float32(0.00390625)
    net = cv2.dnn.readNetFromCaffe(prototxt, caffemodel)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    preds = []
    for i in range(0, len(x), 500):
        net.setInput(np.ascontiguousarray(x[i:i + 500]))
        preds.append(net.forward().reshape(len(x[i:i + 500]), -1).argmax(axis=1))
    preds = np.concatenate(preds)
    with open(out, "w") as f:
        f.write("".join(f"{p}\n" for p in preds))
    labels_file = images.replace("images-idx3", "labels-idx1")
    if os.path.exists(labels_file):
        labels = read_idx(labels_file)
        print(f"OpenCV {cv2.__version__} LeNet accuracy {np.mean(preds == labels):.4f} on {len(preds)} images")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
