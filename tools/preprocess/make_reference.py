#!/usr/bin/python3
"""Writes the OpenCV reference arrays that PreprocessorReferenceTest compares org.caffe4j.preprocess against.

Run with Debian's python3 and python3-opencv (4.6.0), from the project root:
    /usr/bin/python3 tools/preprocess/make_reference.py

The pipeline is the one Caffe's C++ classification example uses: cv2.imread -> (cvtColor to gray) ->
cv2.resize(INTER_LINEAR) -> center crop -> subtract mean -> multiply by scale, channels first.
The resize runs on float32 pixels (OpenCV's float path); caffe4j resizes in float too. One case also stores
OpenCV's 8-bit resize (11-bit fixed-point weights, rounded to integers) to measure how far that path is.

Outputs go to testdata/preprocess/ (float32 .npy, C order) and testdata/images/cat.png (lossless copy of cat.jpg).
"""
import os
import sys

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "testdata", "preprocess")
IMAGES = os.path.join(ROOT, "testdata", "images")
IMAGENET_MEAN_BGR = np.array([104.007, 116.669, 122.679], dtype=np.float32)


def save(name, array):
    array = np.ascontiguousarray(array, dtype=np.float32)
    np.save(os.path.join(OUT, name), array)
    print(f"{name}: shape {array.shape}, sum {float(array.astype(np.float64).sum()):.4f}")


def center_crop(hwc, crop_w, crop_h):
    # Caffe's rule: offset = (size - crop) // 2, as DataTransformer's TEST phase and classify.py's center crop.
    h, w = hwc.shape[:2]
    top, left = (h - crop_h) // 2, (w - crop_w) // 2
    return hwc[top:top + crop_h, left:left + crop_w]


def ten_crops(hwc, crop_w, crop_h):
    # Four corners (top-left, top-right, bottom-left, bottom-right), the center, then the same five mirrored.
    h, w = hwc.shape[:2]
    windows = [(0, 0), (0, w - crop_w), (h - crop_h, 0), (h - crop_h, w - crop_w),
               ((h - crop_h) // 2, (w - crop_w) // 2)]
    crops = [hwc[t:t + crop_h, l:l + crop_w] for t, l in windows]
    crops += [c[:, ::-1] for c in crops]
    return np.stack(crops)


def to_chw(hwc):
    if hwc.ndim == 2:
        return hwc[np.newaxis]
    return np.transpose(hwc, (2, 0, 1))


def resize_float(image_u8, w, h):
    return cv2.resize(image_u8.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def with_exif_orientation(jpeg, orientation):
    """cat.jpg with an APP1 Exif segment (big-endian TIFF, one IFD0 entry: Orientation) inserted after SOI.
    PreprocessorReferenceTest builds the same bytes."""
    tiff = b"MM\x00\x2a" + (8).to_bytes(4, "big") + (1).to_bytes(2, "big") \
        + (0x0112).to_bytes(2, "big") + (3).to_bytes(2, "big") + (1).to_bytes(4, "big") \
        + orientation.to_bytes(2, "big") + b"\x00\x00" + (0).to_bytes(4, "big")
    payload = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


def main():
    os.makedirs(OUT, exist_ok=True)
    cat_jpg = cv2.imread(os.path.join(IMAGES, "cat.jpg"), cv2.IMREAD_COLOR)
    if cat_jpg is None:
        sys.exit("cannot read testdata/images/cat.jpg")
    cv2.imwrite(os.path.join(IMAGES, "cat.png"), cat_jpg)
    cat = cv2.imread(os.path.join(IMAGES, "cat.png"), cv2.IMREAD_COLOR)
    assert np.array_equal(cat, cat_jpg), "PNG round trip must be lossless"

    # A: the NIN / CaffeNet preset on the lossless cat: 256x256 -> center 224, BGR, per-channel means.
    # The full crop is 600 KB, so store every 8th row and column plus the per-channel sums of the whole crop.
    a = to_chw(center_crop(resize_float(cat, 256, 256), 224, 224)) - IMAGENET_MEAN_BGR[:, None, None]
    save("cat_png_256_crop224_bgr_mean_every8.npy", a[:, ::8, ::8])
    save("cat_png_256_crop224_bgr_mean_channel_sums.npy", a.astype(np.float64).sum(axis=(1, 2)))

    # B: an odd, non-uniform downscale (480x360 -> 71x53) with a non-square crop 48x40 (W x H), full array.
    b = to_chw(center_crop(resize_float(cat, 71, 53), 48, 40)) - IMAGENET_MEAN_BGR[:, None, None]
    save("cat_png_71x53_crop48x40_bgr_mean.npy", b)
    # B8: the same through OpenCV's 8-bit resize, to measure the fixed-point path's distance (not pixel-exact).
    b8 = to_chw(center_crop(cv2.resize(cat, (71, 53), interpolation=cv2.INTER_LINEAR), 48, 40)).astype(np.float32)
    save("cat_png_71x53_crop48x40_bgr_uint8resize.npy", b8 - IMAGENET_MEAN_BGR[:, None, None])

    # C: grayscale (OpenCV's BGR2GRAY on 8-bit pixels) resized to 28x28, scaled by 1/256 as LeNet.
    gray = cv2.cvtColor(cat, cv2.COLOR_BGR2GRAY)
    save("cat_png_gray_28_scale.npy", to_chw(resize_float(gray, 28, 28)) * np.float32(0.00390625))

    # D: an upscale with clamped borders: a 32x32 CIFAR PPM -> 45x45, RGB order, crop 40, no mean.
    ppm = cv2.imread(os.path.join(ROOT, "testdata", "cifar10", "img_00_label3_cat.ppm"), cv2.IMREAD_COLOR)
    rgb = cv2.cvtColor(ppm, cv2.COLOR_BGR2RGB)
    save("cifar_img00_45_crop40_rgb.npy", to_chw(center_crop(resize_float(rgb, 45, 45), 40, 40)))

    # E: the JPEG itself through libjpeg; compared with a tolerance because decoders differ.
    e = to_chw(center_crop(resize_float(cat_jpg, 256, 256), 224, 224)) - IMAGENET_MEAN_BGR[:, None, None]
    save("cat_jpg_256_crop224_bgr_mean_every8.npy", e[:, ::8, ::8])
    save("cat_jpg_256_crop224_bgr_mean_channel_sums.npy", e.astype(np.float64).sum(axis=(1, 2)))

    # G: EXIF orientations 1..8: cv2.imread turns the image upright; then resize to 24x18 (W x H), no mean.
    with open(os.path.join(IMAGES, "cat.jpg"), "rb") as f:
        jpeg = f.read()
    tmp = os.path.join(OUT, "exif_tmp.jpg")
    for orientation in range(1, 9):
        with open(tmp, "wb") as f:
            f.write(with_exif_orientation(jpeg, orientation))
        upright = cv2.imread(tmp, cv2.IMREAD_COLOR)
        save(f"cat_jpg_exif{orientation}_24x18_bgr.npy", to_chw(resize_float(upright, 24, 18)))
    os.remove(tmp)

    # F: Caffe-style 10-crop oversampling: 37x29 -> crops 24x20 (W x H), BGR, means, then scale 0.5.
    f = ten_crops(resize_float(cat, 37, 29), 24, 20) - IMAGENET_MEAN_BGR
    save("cat_png_37x29_oversample24x20_bgr_mean_scale.npy", np.transpose(f, (0, 3, 1, 2)) * np.float32(0.5))


if __name__ == "__main__":
    main()
