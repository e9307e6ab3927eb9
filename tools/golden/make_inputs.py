#!/usr/bin/python3
"""Writes the preprocessed input .npy of a golden set (float32, NCHW), Caffe's way.

usage: /usr/bin/python3 tools/golden/make_inputs.py mnist   IMAGES.gz COUNT OUT.npy
       /usr/bin/python3 tools/golden/make_inputs.py cifar   TESTS.idx MEAN.binaryproto OUT.npy
       /usr/bin/python3 tools/golden/make_inputs.py imagenet IMAGE.jpg OUT.npy
       /usr/bin/python3 tools/golden/make_inputs.py ssd IMAGE.jpg SIZE OUT.npy
       /usr/bin/python3 tools/golden/make_inputs.py flownet IMAGE.jpg WIDTH HEIGHT DX DY OUT0.npy OUT1.npy
       /usr/bin/python3 tools/golden/make_inputs.py iminfo HEIGHT WIDTH SCALE OUT.npy

mnist:    the first COUNT digits, pixels x 0.00390625 (LeNet's transform_param scale), N x 1 x 28 x 28.
cifar:    all images of the uint8 IDX file (N,32,32,3, RGB as stored, which is the order the mean and the
          Caffe CIFAR models were made in), minus mean.binaryproto, N x 3 x 32 x 32.
imagenet: cv2.imread (BGR), cv2.resize to 256x256 INTER_LINEAR, centre crop 224, minus the per-channel
          ILSVRC-2012 means B 104.007, G 116.669, R 122.679, 1 x 3 x 224 x 224 in BGR order.
ssd:      MobileNet-SSD's demo.py: cv2.imread (BGR), cv2.resize to SIZE x SIZE INTER_LINEAR, (x - 127.5) x 0.007843,
          1 x 3 x SIZE x SIZE (SIZE may be WIDTHxHEIGHT).
iminfo:   Faster R-CNN's second input, 1 x 3: the network input's height and width and the image's scale.
flownet:  two frames for FlowNet (scripts/run-flownet.py feeds the pixels as read, BGR, 0..255): cv2.imread, resized
          to a quarter, then the WIDTH x HEIGHT windows at (8, 8) and at (8 + DX, 8 + DY), as if the camera moved.
"""
import gzip
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from caffe_proto import caffe_pb2  # noqa: E402

IMAGENET_BGR_MEAN = np.array([104.007, 116.669, 122.679], dtype=np.float32)


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code not in (0x08, 0x09):
        raise SystemExit(f"{path}: not a uint8/int8 IDX file")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    dtype = np.uint8 if dtype_code == 0x08 else np.int8
    return np.frombuffer(raw, dtype=dtype, offset=4 + 4 * ndim).reshape(dims)


def read_mean(path):
    blob = caffe_pb2().BlobProto()
    with open(path, "rb") as f:
        blob.ParseFromString(f.read())
    shape = list(blob.shape.dim) if blob.HasField("shape") else [blob.num, blob.channels, blob.height, blob.width]
    return np.array(blob.data, dtype=np.float32).reshape(shape)


def mnist(images, count, out):
    x = read_idx(images)[:int(count)].astype(np.float32) * np.float32(0.00390625)
    np.save(out, np.ascontiguousarray(x[:, None, :, :], dtype=np.float32))


def cifar(tests, mean_file, out):
    imgs = read_idx(tests).astype(np.float32).transpose(0, 3, 1, 2)  # NHWC (RGB) -> NCHW
    mean = read_mean(mean_file).reshape(1, 3, 32, 32)
    np.save(out, np.ascontiguousarray(imgs - mean, dtype=np.float32))


def imagenet(image, out):
    import cv2
    img = cv2.imread(image, cv2.IMREAD_COLOR)
    if img is None:
        raise SystemExit(f"cannot read {image}")
    img = cv2.resize(img, (256, 256), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    off = (256 - 224) // 2
    crop = img[off:off + 224, off:off + 224, :] - IMAGENET_BGR_MEAN
    np.save(out, np.ascontiguousarray(crop.transpose(2, 0, 1)[None], dtype=np.float32))


def ssd(image, size, out):
    import cv2
    img = cv2.imread(image, cv2.IMREAD_COLOR)
    if img is None:
        raise SystemExit(f"cannot read {image}")
    w, _, h = size.partition("x")
    img = cv2.resize(img, (int(w), int(h or w)), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    x = (img - np.float32(127.5)) * np.float32(0.007843)
    np.save(out, np.ascontiguousarray(x.transpose(2, 0, 1)[None], dtype=np.float32))


def flownet(image, width, height, dx, dy, out0, out1):
    import cv2
    img = cv2.imread(image, cv2.IMREAD_COLOR)
    if img is None:
        raise SystemExit(f"cannot read {image}")
    img = cv2.resize(img, (img.shape[1] // 4, img.shape[0] // 4), interpolation=cv2.INTER_AREA).astype(np.float32)
    w, h, dx, dy = int(width), int(height), int(dx), int(dy)
    for (x0, y0), out in (((8, 8), out0), ((8 + dx, 8 + dy), out1)):
        frame = img[y0:y0 + h, x0:x0 + w, :]
        if frame.shape[:2] != (h, w):
            raise SystemExit("the window leaves the image")
        np.save(out, np.ascontiguousarray(frame.transpose(2, 0, 1)[None], dtype=np.float32))


def iminfo(height, width, scale, out):
    np.save(out, np.array([[float(height), float(width), float(scale)]], dtype=np.float32))


if __name__ == "__main__":
    modes = {"mnist": mnist, "cifar": cifar, "imagenet": imagenet, "ssd": ssd, "flownet": flownet, "iminfo": iminfo}
    if len(sys.argv) < 2 or sys.argv[1] not in modes:
        raise SystemExit(__doc__)
    modes[sys.argv[1]](*sys.argv[2:])
