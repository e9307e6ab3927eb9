#!/usr/bin/python3
"""Cross-checks the OpenCV layer goldens against a plain float64 NumPy forward pass written from Caffe's sources'
semantics (ceil-and-clip pooling, padded AVE divisor, LRN alpha/size, BatchNorm scale factor, ...).

usage: /usr/bin/python3 tools/golden/check_layer_goldens.py testdata/golden/layers
Prints the max abs difference per blob and exits 1 if any blob differs by more than 1e-4 * max(1, max|ref|).
This guards against goldens that faithfully record an OpenCV deviation from Caffe.
"""
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from caffe_proto import DATA_SOURCE_TYPES, caffe_pb2, layers_of, read_prototxt  # noqa: E402


def pair(p, name, default):
    """Caffe's kernel/stride/pad lookup: *_h/*_w first, then the repeated field, then the default."""
    if p.HasField(name + "_h"):
        return getattr(p, name + "_h"), getattr(p, name + "_w")
    field = name + "_size" if name == "kernel" else name
    raw = getattr(p, field)
    if isinstance(raw, int):  # PoolingParameter has optional scalars, ConvolutionParameter repeated fields
        vals = [raw] if p.HasField(field) else []
    else:
        vals = list(raw)
    if not vals:
        return default, default
    return (vals[0], vals[1]) if len(vals) > 1 else (vals[0], vals[0])


def conv(x, w, b, p):
    kh, kw = pair(p, "kernel", None)
    sh, sw = pair(p, "stride", 1)
    ph, pw = pair(p, "pad", 0)
    dil = list(p.dilation) or [1]
    dh, dw = (dil[0], dil[1]) if len(dil) > 1 else (dil[0], dil[0])
    g = p.group
    n, c, h, wd = x.shape
    o = w.shape[0]
    oh = (h + 2 * ph - (dh * (kh - 1) + 1)) // sh + 1
    ow = (wd + 2 * pw - (dw * (kw - 1) + 1)) // sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((n, o, oh, ow))
    cg, og = c // g, o // g
    for gi in range(g):
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, gi * cg:(gi + 1) * cg, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                           j * dw:j * dw + sw * (ow - 1) + 1:sw]
                out[:, gi * og:(gi + 1) * og] += np.einsum("nchw,oc->nohw", patch, w[gi * og:(gi + 1) * og, :, i, j])
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def deconv(x, w, b, p):
    kh, kw = pair(p, "kernel", None)
    sh, sw = pair(p, "stride", 1)
    ph, pw = pair(p, "pad", 0)
    g = p.group
    n, c, h, wd = x.shape
    og = w.shape[1]
    o = og * g
    fh, fw = sh * (h - 1) + kh, sw * (wd - 1) + kw
    full = np.zeros((n, o, fh, fw))
    cg = c // g
    for gi in range(g):
        for i in range(kh):
            for j in range(kw):
                full[:, gi * og:(gi + 1) * og, i:i + sh * (h - 1) + 1:sh, j:j + sw * (wd - 1) + 1:sw] += np.einsum(
                    "nchw,co->nohw", x[:, gi * cg:(gi + 1) * cg], w[gi * cg:(gi + 1) * cg, :, i, j])
    out = full[:, :, ph:fh - ph, pw:fw - pw]
    if b is not None:
        out = out + b.reshape(1, -1, 1, 1)
    return out


def pool(x, p, with_mask=False):
    n, c, h, w = x.shape
    if p.global_pooling:
        kh, kw, sh, sw, ph, pw = h, w, 1, 1, 0, 0
    else:
        kh, kw = pair(p, "kernel", None)
        sh, sw = pair(p, "stride", 1)
        ph, pw = pair(p, "pad", 0)
    oh = int(math.ceil((h + 2 * ph - kh) / sh)) + 1
    ow = int(math.ceil((w + 2 * pw - kw) / sw)) + 1
    if ph or pw:  # Caffe: the last window must start inside the image (or left padding)
        if (oh - 1) * sh >= h + ph:
            oh -= 1
        if (ow - 1) * sw >= w + pw:
            ow -= 1
    out = np.zeros((n, c, oh, ow))
    mask = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            hs, ws = i * sh - ph, j * sw - pw
            he, we = min(hs + kh, h + ph), min(ws + kw, w + pw)
            size = (he - hs) * (we - ws)
            hs0, ws0, he0, we0 = max(hs, 0), max(ws, 0), min(he, h), min(we, w)
            win = x[:, :, hs0:he0, ws0:we0]
            if p.pool == caffe_pb2().PoolingParameter.MAX:
                out[:, :, i, j] = win.max(axis=(2, 3))
                # Caffe's mask top: the input-plane position of the window's first largest value.
                flat = win.reshape(n, c, -1).argmax(axis=2)
                mask[:, :, i, j] = (hs0 + flat // (we0 - ws0)) * w + ws0 + flat % (we0 - ws0)
            else:
                out[:, :, i, j] = win.sum(axis=(2, 3)) / size
    return (out, mask) if with_mask else out


def interp(x, p):
    """PSPNet's Interp (interp_layer.cpp): the output size by the fork's precedence, then textbook align-corners
    bilinear resampling of the input cropped by -pad_beg / -pad_end."""
    n, c, h, w = x.shape
    pb, pe = p.pad_beg, p.pad_end
    assert pb <= 0 and pe <= 0, "the fork only crops"
    eh, ew = h + pb + pe, w + pb + pe

    def size(e, fixed):
        if p.HasField("shrink_factor") and not p.HasField("zoom_factor"):
            return (e - 1) // p.shrink_factor + 1
        if p.HasField("zoom_factor") and not p.HasField("shrink_factor"):
            return e + (e - 1) * (p.zoom_factor - 1)
        if p.HasField("height") and p.HasField("width"):
            return fixed
        assert p.HasField("shrink_factor") and p.HasField("zoom_factor"), "Interp needs a size"
        s = (e - 1) // p.shrink_factor + 1
        return s + (s - 1) * (p.zoom_factor - 1)
    oh, ow = size(eh, p.height), size(ew, p.width)
    src = x[:, :, -pb:-pb + eh, -pb:-pb + ew]

    def coords(e, o):
        pos = np.arange(o) * ((e - 1) / (o - 1) if o > 1 else 0.0)
        lo = np.floor(pos).astype(np.int64)
        return lo, np.minimum(lo + 1, e - 1), pos - lo
    y0, y1, fy = coords(eh, oh)
    x0, x1, fx = coords(ew, ow)
    fy, fx = fy.reshape(-1, 1), fx.reshape(1, -1)
    top = src[:, :, y0][:, :, :, x0] * (1 - fx) + src[:, :, y0][:, :, :, x1] * fx
    bottom = src[:, :, y1][:, :, :, x0] * (1 - fx) + src[:, :, y1][:, :, :, x1] * fx
    return top * (1 - fy) + bottom * fy


def upsample(ins, p):
    """The forks' Upsample: SegNet's unpooling by a mask bottom, or nearest neighbour (YOLO forks) without one."""
    x = ins[0]
    n, c, h, w = x.shape
    if len(ins) == 1:
        sh = p.scale_h if p.HasField("scale_h") else (p.scale if p.HasField("scale") else 1)
        sw = p.scale_w if p.HasField("scale_w") else sh
        return np.repeat(np.repeat(x, sh, axis=2), sw, axis=3)
    if p.HasField("upsample_h"):
        oh, ow = p.upsample_h, p.upsample_w
    else:
        sh = p.scale_h if p.HasField("scale_h") else p.scale
        sw = p.scale_w if p.HasField("scale_w") else p.scale
        oh, ow = h * sh - int(p.pad_out_h), w * sw - int(p.pad_out_w)
    out = np.zeros((n, c, oh * ow))
    idx = np.trunc(ins[1]).astype(np.int64).reshape(n, c, -1)
    assert idx.min() >= 0 and idx.max() < oh * ow, "Upsample mask out of range"
    vals = x.reshape(n, c, -1)
    for i in range(n):
        for j in range(c):
            for k in range(h * w):  # in order: a later value at the same position wins, as in SegNet's loop
                out[i, j, idx[i, j, k]] = vals[i, j, k]
    return out.reshape(n, c, oh, ow)


def shuffle_channel(x, group):
    n, c, h, w = x.shape
    return x.reshape(n, group, c // group, h, w).transpose(0, 2, 1, 3, 4).reshape(n, c, h, w)


def lrn(x, p):
    size, alpha, beta, k = p.local_size, p.alpha, p.beta, p.k
    if p.norm_region == caffe_pb2().LRNParameter.ACROSS_CHANNELS:
        sq = np.pad(x * x, ((0, 0), ((size - 1) // 2, size // 2), (0, 0), (0, 0)))
        s = sum(sq[:, i:i + x.shape[1]] for i in range(size))
        return x / (k + alpha / size * s) ** beta
    # WITHIN_CHANNEL: AVE pooling of x^2 over size x size with pad (size-1)/2, then (1 + alpha * avg)^-beta.
    pp = caffe_pb2().PoolingParameter()
    pp.pool = pp.AVE
    pp.kernel_size = size
    pp.stride = 1
    pp.pad = (size - 1) // 2
    return x * (1 + alpha * pool(x * x, pp)) ** -beta


def mvn(x, p):
    """mvn_layer.cpp: per channel (per image with across_channels); eps is added to the standard deviation."""
    n = x.shape[0]
    c = x.shape[1] if x.ndim > 1 else 1
    g = x.reshape(n if p.across_channels else n * c, -1)
    y = g - g.mean(axis=1, keepdims=True)
    if p.normalize_variance:
        y = y / (np.sqrt((y * y).mean(axis=1, keepdims=True)) + p.eps)
    return y.reshape(x.shape)


def reduction(x, p):
    """reduction_layer.cpp: every axis from `axis` on reduced to one value, times coeff (MEAN: coeff / dim)."""
    axis = p.axis % x.ndim
    r = x.reshape(int(np.prod(x.shape[:axis])), -1)
    rp = caffe_pb2().ReductionParameter
    if p.operation == rp.ASUM:
        v = np.abs(r).sum(axis=1)
    elif p.operation == rp.SUMSQ:
        v = (r * r).sum(axis=1)
    else:
        v = r.sum(axis=1)
    if p.operation == rp.MEAN:
        v = v / r.shape[1]
    return (v * p.coeff).reshape(x.shape[:axis])


def spp(x, p):
    """spp_layer.cpp: level l pools with kernel ceil(H / 2^l), stride = kernel, pad (remainder + 1) / 2; the levels
    are flattened and concatenated (one level: the pooling output itself)."""
    n, c, h, w = x.shape
    levels = []
    for level in range(p.pyramid_height):
        bins = 2 ** level
        kh, kw = -(-h // bins), -(-w // bins)
        pp = caffe_pb2().PoolingParameter()
        pp.pool = pp.MAX if p.pool == caffe_pb2().SPPParameter.MAX else pp.AVE
        pp.kernel_h, pp.kernel_w, pp.stride_h, pp.stride_w = kh, kw, kh, kw
        pp.pad_h, pp.pad_w = (kh * bins - h + 1) // 2, (kw * bins - w + 1) // 2
        levels.append(pool(x, pp))
    if p.pyramid_height == 1:
        return levels[0]
    return np.concatenate([v.reshape(n, -1) for v in levels], axis=1)


def normalize(x, scale, p):
    """SSD fork normalize_layer.cpp: x / sqrt(sum x^2 + eps) over the image or over the channels, times scale."""
    n, c = x.shape[:2]
    v = x.reshape(n, c, -1)
    if p.across_spatial:
        norm = np.sqrt((v ** 2).sum(axis=(1, 2), keepdims=True) + p.eps)
    else:
        norm = np.sqrt((v ** 2).sum(axis=1, keepdims=True) + p.eps)
    s = scale.reshape(-1)
    s = s[0] if p.channel_shared else s.reshape(1, c, 1)
    return (v / norm * s).reshape(x.shape)


def roi_pooling(x, rois, p):
    """rbgirshick/caffe-fast-rcnn roi_pooling_layer.cpp, in the fork's float32: corners times spatial_scale rounded
    half away from zero, ROI size max(end - start + 1, 1), bins [floor(i * bin), ceil((i + 1) * bin)) from the start,
    clipped to the map; the bin's max, or 0 when empty."""
    n, c, h, w = x.shape
    ph_n, pw_n = p.pooled_h, p.pooled_w
    scale = np.float32(p.spatial_scale)
    rows = rois.reshape(rois.shape[0], -1)
    out = np.zeros((rows.shape[0], c, ph_n, pw_n))

    def c_round(v):
        return int(math.copysign(math.floor(abs(float(v)) + 0.5), float(v)))

    for r, row in enumerate(rows):
        b = int(row[0])
        assert 0 <= b < n, "ROI batch index out of range"
        x1, y1, x2, y2 = (c_round(np.float32(v) * scale) for v in row[1:5])
        bin_h = np.float32(max(y2 - y1 + 1, 1)) / np.float32(ph_n)
        bin_w = np.float32(max(x2 - x1 + 1, 1)) / np.float32(pw_n)
        for i in range(ph_n):
            hs = min(max(int(math.floor(np.float32(i) * bin_h)) + y1, 0), h)
            he = min(max(int(math.ceil(np.float32(i + 1) * bin_h)) + y1, 0), h)
            for j in range(pw_n):
                ws = min(max(int(math.floor(np.float32(j) * bin_w)) + x1, 0), w)
                we = min(max(int(math.ceil(np.float32(j + 1) * bin_w)) + x1, 0), w)
                if he > hs and we > ws:
                    out[r, :, i, j] = x[b, :, hs:he, ws:we].max(axis=(1, 2))
    return out


def prior_box(feat_shape, img_shape, p):
    """SSD fork prior_box_layer.cpp (min/max sizes truncated to int, as the fork stores them)."""
    lh, lw = feat_shape[2], feat_shape[3]
    if p.HasField("img_h") or p.HasField("img_w"):
        ih, iw = p.img_h, p.img_w
    elif p.HasField("img_size"):
        ih = iw = p.img_size
    else:
        ih, iw = img_shape[2], img_shape[3]
    if p.HasField("step_h") or p.HasField("step_w"):
        sh, sw = p.step_h, p.step_w
    elif p.HasField("step"):
        sh = sw = p.step
    else:
        sh, sw = ih / lh, iw / lw
    ratios = [1.0]
    for ar in p.aspect_ratio:
        if all(abs(ar - r) >= 1e-6 for r in ratios):
            ratios.append(ar)
            if p.flip:
                ratios.append(1.0 / ar)
    boxes = []
    for h in range(lh):
        for w in range(lw):
            cx, cy = (w + p.offset) * sw, (h + p.offset) * sh
            for s, mn in enumerate(p.min_size):
                mn = int(mn)
                sizes = [(mn, mn)]
                if len(p.max_size):
                    side = math.sqrt(mn * int(p.max_size[s]))
                    sizes.append((side, side))
                sizes += [(mn * math.sqrt(r), mn / math.sqrt(r)) for r in ratios if abs(r - 1) >= 1e-6]
                for bw, bh in sizes:
                    boxes += [(cx - bw / 2) / iw, (cy - bh / 2) / ih, (cx + bw / 2) / iw, (cy + bh / 2) / ih]
    boxes = np.array(boxes)
    if p.clip:
        boxes = np.clip(boxes, 0, 1)
    var = list(p.variance) or [0.1]
    variances = np.tile(var if len(var) == 4 else var * 4, len(boxes) // 4)
    return np.concatenate([boxes, variances]).reshape(1, 2, -1)


def jaccard(a, b):
    """bbox_util.cpp JaccardOverlap of normalized boxes."""
    if b[0] > a[2] or b[2] < a[0] or b[1] > a[3] or b[3] < a[1]:
        return 0.0
    iw, ih = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    size = lambda r: 0.0 if r[2] < r[0] or r[3] < r[1] else (r[2] - r[0]) * (r[3] - r[1])  # noqa: E731
    return iw * ih / (size(a) + size(b) - iw * ih)


def pixel_jaccard(a, b):
    """OpenCV's JaccardOverlap for boxes in pixels (normalized_bbox false): sizes count both end pixels."""
    ix = [max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])]
    size = lambda r: 0.0 if r[2] < r[0] or r[3] < r[1] else (r[2] - r[0] + 1) * (r[3] - r[1] + 1)  # noqa: E731
    inter = size(ix)
    return inter / (size(a) + size(b) - inter) if inter > 0 else 0.0


def detection_output(loc, conf, prior, p):
    """SSD fork detection_output_layer.cpp with bbox_util.cpp's DecodeBBox and ApplyNMSFast; rows as the fork
    orders them (image, label ascending, NMS order); OpenCV's zero padding up to keep_top_k * N rows. OpenCV's
    normalized_bbox false (Faster R-CNN): pixel boxes, one pixel wider when decoding and in the overlaps; its priors
    may then be boxes only (1 x 1 x 4P, variance_encoded_in_target)."""
    normalized = p.normalized_bbox
    num, npri = loc.shape[0], prior.shape[2] // 4
    ncls = p.num_classes
    nloc = 1 if p.share_location else ncls
    loc = loc.reshape(num, npri, nloc, 4)
    conf = conf.reshape(num, npri, ncls)
    pb = prior[0, 0].reshape(npri, 4)
    pv = np.ones_like(pb) if p.variance_encoded_in_target else prior[0, 1].reshape(npri, 4)
    thr = p.confidence_threshold if p.HasField("confidence_threshold") else -np.finfo(np.float32).max
    top_k = p.nms_param.top_k if p.nms_param.HasField("top_k") else -1
    rows = []
    for i in range(num):
        dec = np.zeros((nloc, npri, 4))
        for c in range(nloc):
            l = loc[i, :, c]
            if p.code_type == 2:  # CENTER_SIZE
                pw, ph = pb[:, 2] - pb[:, 0], pb[:, 3] - pb[:, 1]
                pcx, pcy = (pb[:, 0] + pb[:, 2]) / 2, (pb[:, 1] + pb[:, 3]) / 2
                if not normalized:
                    pw, ph = pw + 1, ph + 1
                    pcx, pcy = pb[:, 0] + pw / 2, pb[:, 1] + ph / 2
                cx, cy = pv[:, 0] * l[:, 0] * pw + pcx, pv[:, 1] * l[:, 1] * ph + pcy
                w, h = np.exp(pv[:, 2] * l[:, 2]) * pw, np.exp(pv[:, 3] * l[:, 3]) * ph
                dec[c] = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
            elif p.code_type == 1:  # CORNER
                dec[c] = pb + pv * l
            else:
                raise SystemExit("no NumPy reference for CORNER_SIZE")
        kept = {}
        for c in range(ncls):
            if c == p.background_label_id:
                continue
            boxes, scores = dec[0 if p.share_location else c], conf[i, :, c]
            order = sorted((k for k in range(npri) if scores[k] > thr), key=lambda k: -scores[k])
            if -1 < top_k < len(order):
                order = order[:top_k]
            keep, t = [], p.nms_param.nms_threshold
            for k in order:
                overlap = jaccard if normalized else pixel_jaccard
                if all(overlap(boxes[k], boxes[j]) <= t for j in keep):
                    keep.append(k)
                    if p.nms_param.eta < 1 and t > 0.5:
                        t *= p.nms_param.eta
            kept[c] = keep
        total = sum(len(v) for v in kept.values())
        if -1 < p.keep_top_k < total:
            best = sorted(((c, k) for c in sorted(kept) for k in kept[c]), key=lambda e: -conf[i, e[1], e[0]])
            best = best[:p.keep_top_k]
            kept = {c: [k for cc, k in best if cc == c] for c in sorted({c for c, _ in best})}
        for c in sorted(kept):
            box = dec[0 if p.share_location else c]
            rows += [[i, c, conf[i, k, c], *box[k]] for k in kept[c]]
    out = np.zeros((max(1, p.keep_top_k * num), 7))
    out[:len(rows)] = rows
    return out.reshape(1, 1, -1, 7)


def generate_anchors(base_size, ratios, scales):
    """py-faster-rcnn's lib/rpn/generate_anchors.py (0-based base box, NumPy's round)."""
    base = np.array([1, 1, base_size, base_size], np.float64) - 1

    def whctrs(a):
        w, h = a[2] - a[0] + 1, a[3] - a[1] + 1
        return w, h, a[0] + 0.5 * (w - 1), a[1] + 0.5 * (h - 1)

    def mk(ws, hs, x, y):
        ws, hs = ws[:, None], hs[:, None]
        return np.hstack((x - 0.5 * (ws - 1), y - 0.5 * (hs - 1), x + 0.5 * (ws - 1), y + 0.5 * (hs - 1)))

    w, h, x, y = whctrs(base)
    ws = np.round(np.sqrt(w * h / np.asarray(ratios, np.float64)))
    hs = np.round(ws * np.asarray(ratios, np.float64))
    out = []
    for a in mk(ws, hs, x, y):
        w, h, x, y = whctrs(a)
        out.append(mk(w * np.asarray(scales, np.float64), h * np.asarray(scales, np.float64), x, y))
    return np.vstack(out)


def proposal(scores_blob, deltas_blob, im_info, p, with_scores):
    """py-faster-rcnn's lib/rpn/proposal_layer.py forward (bbox_transform_inv, clip_boxes, _filter_boxes,
    py_cpu_nms), with the tops padded to post_nms_topn rows of zeros as static-shape runtimes (OpenCV, caffe4j) do."""
    ratios = list(p.ratio) or [0.5, 1, 2]
    scales = list(p.scale) or [8, 16, 32]
    anchors0 = generate_anchors(p.base_size, ratios, scales)
    A = anchors0.shape[0]
    scores = scores_blob[:, A:, :, :]
    height, width = scores.shape[-2:]
    sx, sy = np.meshgrid(np.arange(width) * p.feat_stride, np.arange(height) * p.feat_stride)
    shifts = np.vstack((sx.ravel(), sy.ravel(), sx.ravel(), sy.ravel())).transpose()
    anchors = (anchors0.reshape((1, A, 4)) + shifts.reshape((1, -1, 4)).transpose((1, 0, 2))).reshape((-1, 4))
    deltas = deltas_blob.transpose((0, 2, 3, 1)).reshape((-1, 4))
    scores = scores.transpose((0, 2, 3, 1)).reshape((-1,))
    widths = anchors[:, 2] - anchors[:, 0] + 1.0
    heights = anchors[:, 3] - anchors[:, 1] + 1.0
    cx, cy = anchors[:, 0] + 0.5 * widths, anchors[:, 1] + 0.5 * heights
    pcx, pcy = deltas[:, 0] * widths + cx, deltas[:, 1] * heights + cy
    pw, ph = np.exp(deltas[:, 2]) * widths, np.exp(deltas[:, 3]) * heights
    boxes = np.stack([pcx - 0.5 * pw, pcy - 0.5 * ph, pcx + 0.5 * pw, pcy + 0.5 * ph], axis=1)
    info = im_info.reshape(-1)
    boxes[:, 0::2] = np.maximum(np.minimum(boxes[:, 0::2], info[1] - 1), 0)
    boxes[:, 1::2] = np.maximum(np.minimum(boxes[:, 1::2], info[0] - 1), 0)
    min_side = p.min_size * info[2]
    keep = np.where((boxes[:, 2] - boxes[:, 0] + 1 >= min_side) & (boxes[:, 3] - boxes[:, 1] + 1 >= min_side))[0]
    boxes, scores = boxes[keep], scores[keep]
    order = np.argsort(-scores, kind="stable")[:p.pre_nms_topn]
    boxes, scores = boxes[order], scores[order]
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    areas = (x2 - x1 + 1) * (y2 - y1 + 1)
    rest, kept = np.arange(len(scores)), []
    while rest.size > 0:
        i = rest[0]
        kept.append(i)
        w = np.maximum(0.0, np.minimum(x2[i], x2[rest[1:]]) - np.maximum(x1[i], x1[rest[1:]]) + 1)
        h = np.maximum(0.0, np.minimum(y2[i], y2[rest[1:]]) - np.maximum(y1[i], y1[rest[1:]]) + 1)
        inter = w * h
        ovr = inter / (areas[i] + areas[rest[1:]] - inter)
        rest = rest[np.where(ovr <= np.float32(p.nms_thresh))[0] + 1]
    kept = kept[:p.post_nms_topn]
    rois = np.zeros((p.post_nms_topn, 5))
    rois[:len(kept), 1:] = boxes[kept].astype(np.float32)
    top_scores = np.zeros((p.post_nms_topn, 1))
    top_scores[:len(kept), 0] = scores[kept]
    return [rois, top_scores] if with_scores else [rois]


def correlation(a, b, p):
    """lmb-freiburg/flownet2 correlation_layer.cu (CorrelateData, MULTIPLY): patch of the padded first map at
    (x*s1 + d, y*s1 + d) times the second map's patch displaced on a grid of stride s2, mean over k*k*C."""
    k, d, s1, s2, pad = p.kernel_size, p.max_displacement, p.stride_1, p.stride_2, p.pad
    n, c, h, w = a.shape
    pa = np.pad(a, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    pb = np.pad(b, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    border = d + (k - 1) // 2
    oh = int(np.ceil((h + 2 * pad - 2 * border) / s1))
    ow = int(np.ceil((w + 2 * pad - 2 * border) / s1))
    r = d // s2
    g = 2 * r + 1
    out = np.zeros((n, g * g, oh, ow))
    for tc in range(g * g):
        dx, dy = (tc % g - r) * s2, (tc // g - r) * s2
        for ty in range(oh):
            for tx in range(ow):
                y1, x1 = ty * s1 + d, tx * s1 + d
                pa_ = pa[:, :, y1:y1 + k, x1:x1 + k]
                pb_ = pb[:, :, y1 + dy:y1 + dy + k, x1 + dx:x1 + dx + k]
                out[:, tc, ty, tx] = (pa_ * pb_).sum(axis=(1, 2, 3)) / (k * k * c)
    return out


def accum(ins, p):
    """lmb-freiburg/flownet2 accum_layer.cpp: bilinear resize with aligned corners to one size, channels stacked."""
    stacked = ins[:-1] if p.have_reference else ins
    if p.have_reference:
        th, tw = ins[-1].shape[2], ins[-1].shape[3]
    else:
        mh, mw = max(x.shape[2] for x in stacked), max(x.shape[3] for x in stacked)
        if p.HasField("size_divisible_by"):
            th = int(np.ceil(mh / p.size_divisible_by) * p.size_divisible_by)
            tw = int(np.ceil(mw / p.size_divisible_by) * p.size_divisible_by)
        else:
            th, tw = p.top_height, p.top_width
        if not (th > mh and tw > mw):
            th, tw = mh, mw
    outs = []
    for x in stacked:
        n, c, h, w = x.shape
        ys = np.arange(th) / (th - 1) * (h - 1)
        xs = np.arange(tw) / (tw - 1) * (w - 1)
        y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
        y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
        fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
        tl, tr = x[:, :, y0][:, :, :, x0], x[:, :, y0][:, :, :, x1]
        bl, br = x[:, :, y1][:, :, :, x0], x[:, :, y1][:, :, :, x1]
        outs.append((1 - fx) * (1 - fy) * tl + fx * fy * br + (1 - fx) * fy * bl + fx * (1 - fy) * tr)
    return np.concatenate(outs, axis=1)


def flow_warp(img, flow, p):
    """lmb-freiburg/flownet2 flow_warp_layer.cpp: bilinear sample at (x + fx, y + fy) in float32 as the fork;
    outside the image the fill value (ZERO = 1, NOT_A_NUMBER = 2)."""
    n, c, h, w = img.shape
    fill = 0.0 if p.fill_value == 1 else np.nan
    out = np.zeros_like(img)
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    for b in range(n):
        x2 = xs + flow[b, 0].astype(np.float32)
        y2 = ys + flow[b, 1].astype(np.float32)
        inside = (x2 >= 0) & (y2 >= 0) & (x2 < w) & (y2 < h)
        left = np.where(inside, x2, 0).astype(int)
        top = np.where(inside, y2, 0).astype(int)
        right, bottom = np.minimum(left + 1, w - 1), np.minimum(top + 1, h - 1)
        alpha, beta = x2 - left, y2 - top
        for ch in range(c):
            m = img[b, ch]
            v = ((1 - alpha) * (1 - beta) * m[top, left] + alpha * (1 - beta) * m[top, right]
                 + (1 - alpha) * beta * m[bottom, left] + alpha * beta * m[bottom, right])
            out[b, ch] = np.where(inside, v, fill)
    return out


def resample(x, out_h, out_w, p):
    """lmb-freiburg/flownet2 resample_layer.cu (InterpolationKernel, NearestNeighborKernel) in float32 as CUDA:
    source position (x*fx + fy/2 - 0.5, y*fy + fx/2 - 0.5), triangle (LINEAR) or Keys cubic (CUBIC) weights widened
    by the factor when downsampling with antialias, normalized; NEAREST at the rounded position (clamped)."""
    f32 = np.float32
    n, c, h, w = x.shape
    xs = x.astype(f32).reshape(n * c, h, w)
    fx, fy = f32(w) / f32(out_w), f32(h) / f32(out_h)
    typ = p.type
    antialias = bool((fx > 1 or fy > 1) and p.antialias)
    kw = 4 if typ == 3 else 2
    ax = f32(1) / (fx if antialias else f32(1))
    ay = f32(1) / (fy if antialias else f32(1))
    rx = 2 if fx < 1 else int(np.ceil(f32(kw) / ax))
    ry = 2 if fy < 1 else int(np.ceil(f32(kw) / ay))

    def rnd(v):
        a = abs(float(v))
        r = int(np.floor(a)) + (1 if a - np.floor(a) >= 0.5 else 0)
        return -r if v < 0 else r

    def tri(v):
        return v + 1 if -1 <= v < 0 else (1 - v if 0 <= v <= 1 else f32(0))

    def cub(v):
        v = abs(v)
        if v <= 1:
            return v * v * (f32(1.5) * v - f32(2.5)) + f32(1)
        if v < 2:
            return v * (v * (f32(-0.5) * v + f32(2.5)) - f32(4)) + f32(2)
        return f32(0)

    out = np.zeros((n * c, out_h, out_w), f32)
    for yo in range(out_h):
        yin = f32(yo) * fy + fx / f32(2) - f32(0.5)
        yr = rnd(yin)
        for xo in range(out_w):
            xin = f32(xo) * fx + fy / f32(2) - f32(0.5)
            xr = rnd(xin)
            if typ == 1:
                out[:, yo, xo] = xs[:, min(max(yr, 0), h - 1), min(max(xr, 0), w - 1)]
                continue
            acc = np.zeros(n * c, f32)
            wsum = f32(0)
            for yy in range(yr - ry, yr + ry + 1):
                for xx in range(xr - rx, xr + rx + 1):
                    if yy < 0 or xx < 0 or yy >= h or xx >= w:
                        continue
                    dx, dy = f32(xin - f32(xx)), f32(yin - f32(yy))
                    f = cub if typ == 3 else tri
                    wt = f32(ax * f(f32(ax * dx)) * ay * f(f32(ay * dy)))
                    acc = (acc + wt * xs[:, yy, xx]).astype(f32)
                    wsum = f32(wsum + wt)
            out[:, yo, xo] = 0 if wsum == 0 else acc / wsum
    return out.reshape(n, c, out_h, out_w).astype(np.float64)


def detection_rows(blob):
    """The detections of a DetectionOutput blob, padding and no-detection rows dropped, in a canonical order."""
    r = blob.reshape(-1, 7)
    r = r[(r[:, 1] >= 0) & np.any(r != 0, axis=1)]
    return r[np.lexsort((r[:, 6], r[:, 5], r[:, 4], r[:, 3], -r[:, 2], r[:, 1], r[:, 0]))]


def data_augmentation(x, wb, p):
    """lmb-freiburg/flownet2 data_augmentation_layer.cu at test time without augmentation: the centre crop through
    SpatialAugmentation (offset (W - cw)/2, positions clamped to [0, W - 1.05], bilinear), then the learnt mean
    (recompute_mean: blob 2 per channel or blob 1 per pixel, both after adjust_blobs) or the prototxt's 3 values."""
    n, c, h, w = x.shape
    if p.HasField("crop_width") and p.HasField("crop_height"):
        cw, ch = p.crop_width, p.crop_height
        xs = np.clip(np.arange(cw) + (w - cw) / 2.0, 0, np.float32(w) - np.float32(1.05)).astype(np.float32)
        ys = np.clip(np.arange(ch) + (h - ch) / 2.0, 0, np.float32(h) - np.float32(1.05)).astype(np.float32)
        x0, y0 = np.floor(xs).astype(int), np.floor(ys).astype(int)
        dx, dy = (xs - x0).astype(np.float64), (ys - y0).astype(np.float64)
        tl = x[:, :, y0][:, :, :, x0]
        tr = x[:, :, y0][:, :, :, x0 + 1]
        bl = x[:, :, y0 + 1][:, :, :, x0]
        br = x[:, :, y0 + 1][:, :, :, x0 + 1]
        dx, dy = dx.reshape(1, 1, 1, -1), dy.reshape(1, 1, -1, 1)
        y = (1 - dx) * (1 - dy) * tl + dx * dy * br + (1 - dx) * dy * bl + dx * (1 - dy) * tr
    else:
        y = x.copy()
    if p.recompute_mean > 0:
        assert wb[0].reshape(-1)[0] + 1 > p.recompute_mean, "the mean is still being learnt"
        if p.mean_per_pixel:
            stored = wb[1]
            if stored.shape[-2:] == y.shape[-2:]:
                y = y - stored.reshape(1, c, *y.shape[-2:])
            else:
                y = y - stored.reshape(c, -1).mean(axis=1).reshape(1, c, 1, 1)
        else:
            y = y - wb[2].reshape(1, c, 1, 1)
    elif len(p.mean) == 3 and not p.mean_per_pixel:
        y = y - np.array(list(p.mean)).reshape(1, 3, 1, 1)
    return y


def filler(f, shape):
    """Caffe's deterministic fillers (constant, flownet2's diagonal, bilinear), for a layer the caffemodel lacks."""
    out = np.zeros(shape)
    if f.type == "constant":
        out[...] = f.value
    elif f.type == "diagonal":
        area = int(np.prod(shape[2:]))
        for k in range(min(shape[0], shape[1])):
            out[k, k] = (f.diag_val[k] if k < len(f.diag_val) else 1.0) / area
    else:
        raise SystemExit(f"no deterministic filler '{f.type}'")
    return out


def forward(net, weights, x, extra_inputs=None, input_blob="data"):
    blobs = {input_blob: x.astype(np.float64)}
    for name, v in (extra_inputs or {}).items():
        blobs[name] = v.astype(np.float64)
    seen = {}
    for layer in layers_of(net):
        m, t = layer.msg, layer.type
        if t in DATA_SOURCE_TYPES:  # the input is given (dump_blobs.py replaces data layers by it)
            continue
        ins = [blobs[b] for b in layer.bottoms]
        # Layers sharing a name take the caffemodel's layers of that name in order, or all share the only one.
        entries = weights.get(layer.name, [[]])
        k = seen.get(layer.name, 0)
        seen[layer.name] = k + 1
        wb = entries[k] if len(entries) > 1 else entries[0]
        a = ins[0] if ins else None
        if not wb and t in ("Convolution", "Deconvolution") and m.convolution_param.HasField("weight_filler"):
            # Not in the caffemodel: Caffe keeps the layer's filler values (FlowNet 2.0's scale_conv1).
            cp = m.convolution_param
            kh, kw = pair(cp, "kernel", None)
            cin = a.shape[1] // cp.group
            shape = (cp.num_output, cin, kh, kw) if t == "Convolution" else (a.shape[1], cp.num_output // cp.group, kh, kw)
            wb = [filler(cp.weight_filler, shape)] + ([filler(cp.bias_filler, (cp.num_output,))] if cp.bias_term else [])
        if t in ("Convolution", "DepthwiseConvolution"):  # the latter: yonghenglh6's, BVLC's grouped conv on CPU
            # Several bottoms share the one set of weights; top i comes from bottom i.
            bias = wb[1].reshape(-1) if m.convolution_param.bias_term else None
            outs = [conv(v, wb[0].reshape(-1, *wb[0].shape[-3:]), bias, m.convolution_param) for v in ins]
        elif t == "Deconvolution":
            bias = wb[1].reshape(-1) if m.convolution_param.bias_term else None
            outs = [deconv(a, wb[0].reshape(-1, *wb[0].shape[-3:]), bias, m.convolution_param)]
        elif t == "Pooling":
            outs = list(pool(a, m.pooling_param, True)) if len(layer.tops) == 2 else [pool(a, m.pooling_param)]
        elif t == "ConvolutionDepthwise":
            # The fork's conv_dw_layer.cpp: one filter per channel, whatever num_output and group say.
            p = type(m.convolution_param)()
            p.CopyFrom(m.convolution_param)
            p.group = a.shape[1]
            bias = wb[1].reshape(-1) if p.bias_term else None
            outs = [conv(a, wb[0].reshape(-1, 1, *wb[0].shape[-2:]), bias, p)]
        elif t == "ReLU6":
            outs = [np.minimum(np.maximum(a, 0), 6)]
        elif t == "ShuffleChannel":
            outs = [shuffle_channel(a, m.shuffle_channel_param.group)]
        elif t == "Interp":
            outs = [interp(a, m.interp_param)]
        elif t == "Upsample":
            outs = [upsample(ins, m.upsample_param)]
        elif t == "BN":
            bp = m.bn_param
            pc = [v.reshape(1, -1, *([1] * (a.ndim - 2))) for v in wb]
            if bp.HasField("bn_mode"):  # SegNet, INFERENCE: scale, shift
                assert bp.bn_mode == bp.INFERENCE, "SegNet's LEARN mode uses batch statistics"
                outs = [a * pc[0] + pc[1]]
            else:  # PSPNet: slope, bias, mean, variance
                outs = [(a - pc[2]) / np.sqrt(pc[3] + bp.eps) * pc[0] + pc[1]]
        elif t == "LRN":
            outs = [lrn(a, m.lrn_param)]
        elif t == "BatchNorm":
            f = wb[2].reshape(-1)[0]
            f = 0 if f == 0 else 1 / f
            mean, var = wb[0].reshape(1, -1, 1, 1) * f, wb[1].reshape(1, -1, 1, 1) * f
            outs = [(a - mean) / np.sqrt(var + m.batch_norm_param.eps)]
        elif t == "Scale":
            y = a * wb[0].reshape(1, -1, 1, 1)
            outs = [y + wb[1].reshape(1, -1, 1, 1) if m.scale_param.bias_term else y]
        elif t == "Eltwise":
            op, ep = m.eltwise_param.operation, caffe_pb2().EltwiseParameter
            if op == ep.SUM:
                coeff = list(m.eltwise_param.coeff) or [1.0] * len(ins)
                outs = [sum(c * v for c, v in zip(coeff, ins))]
            elif op == ep.PROD:
                outs = [np.prod(ins, axis=0)]
            else:
                outs = [np.max(ins, axis=0)]
        elif t == "PReLU":
            s = wb[0].reshape(-1)
            s = s.reshape(1, -1, 1, 1) if s.size > 1 else s[0]
            outs = [np.where(a > 0, a, a * s)]
        elif t == "ReLU":
            outs = [np.where(a > 0, a, a * m.relu_param.negative_slope)]
        elif t == "Dropout":
            # caffe-fast-rcnn's scale_train false: the test output is scaled by 1 / scale_ (float) = 1 - ratio.
            dp = m.dropout_param
            outs = [a if dp.scale_train else a * float(np.float32(1.0 / float(np.float32(1.0 / (1.0 - dp.dropout_ratio)))))]
        elif t == "Power":
            pp = m.power_param
            outs = [(pp.shift + pp.scale * a) ** pp.power]
        elif t == "Sigmoid":
            outs = [1 / (1 + np.exp(-a))]
        elif t == "TanH":
            outs = [np.tanh(a)]
        elif t == "ELU":
            outs = [np.where(a > 0, a, m.elu_param.alpha * (np.exp(a) - 1))]
        elif t == "AbsVal":
            outs = [np.abs(a)]
        elif t == "BNLL":
            outs = [np.log1p(np.exp(a))]
        elif t == "Exp":
            ep = m.exp_param
            lnb = 1.0 if ep.base == -1 else math.log(ep.base)
            outs = [np.exp(lnb * (ep.shift + ep.scale * a))]
        elif t == "Log":
            lp = m.log_param
            lnb = 1.0 if lp.base == -1 else math.log(lp.base)
            outs = [np.log(lp.shift + lp.scale * a) / lnb]
        elif t == "InnerProduct":
            w = wb[0].reshape(wb[0].shape[-2:])
            outs = [a.reshape(a.shape[0], -1) @ w.T + wb[1].reshape(-1)]
        elif t == "Softmax":
            ax = m.softmax_param.axis % a.ndim
            e = np.exp(a - a.max(axis=ax, keepdims=True))
            outs = [e / e.sum(axis=ax, keepdims=True)]
        elif t == "Flatten":
            outs = [a.reshape(a.shape[0], -1)]
        elif t == "Reshape":
            dims = [a.shape[i] if d == 0 else d for i, d in enumerate(m.reshape_param.shape.dim)]
            outs = [a.reshape(dims)]
        elif t == "Slice":
            pts = list(m.slice_param.slice_point)
            outs = np.split(a, pts, axis=m.slice_param.axis)
        elif t == "Concat":
            outs = [np.concatenate(ins, axis=m.concat_param.axis)]
        elif t == "Crop":
            cp, ref = m.crop_param, ins[1]
            offs = list(cp.offset)
            sl = [slice(None)] * a.ndim
            for ax in range(cp.axis, a.ndim):
                o = offs[0] if len(offs) == 1 else (offs[ax - cp.axis] if offs else 0)
                sl[ax] = slice(o, o + ref.shape[ax])
            outs = [a[tuple(sl)]]
        elif t == "MVN":
            outs = [mvn(a, m.mvn_param)]
        elif t == "Reduction":
            outs = [reduction(a, m.reduction_param)]
        elif t == "Tile":
            axis = m.tile_param.axis % a.ndim
            tiles = m.tile_param.tiles
            r = a.reshape(int(np.prod(a.shape[:axis])), 1, -1)
            shape = list(a.shape)
            shape[axis] *= tiles
            outs = [np.broadcast_to(r, (r.shape[0], tiles, r.shape[2])).reshape(shape)]
        elif t == "SPP":
            outs = [spp(a, m.spp_param)]
        elif t == "Embed":
            ep = m.embed_param
            idx = np.trunc(a).astype(np.int64)  # Caffe's static_cast<int>
            assert idx.min() >= 0 and idx.max() < ep.input_dim, "Embed index out of range"
            w = wb[0].reshape(ep.input_dim, ep.num_output)
            y = w[idx]
            outs = [y + wb[1].reshape(-1) if ep.bias_term else y]
        elif t == "ArgMax":
            ap = m.argmax_param
            assert ap.HasField("axis") and ap.top_k == 1 and not ap.out_max_val, "only ArgMax axis, top_k 1"
            axis = ap.axis % a.ndim
            # Caffe ranks the larger index first on ties: argmax of the reversed axis.
            rev = np.flip(a, axis=axis)
            outs = [np.expand_dims(a.shape[axis] - 1 - np.argmax(rev, axis=axis), axis).astype(np.float64)]
        elif t == "Permute":
            order = list(m.permute_param.order)
            outs = [np.transpose(a, order + [i for i in range(a.ndim) if i not in order])]
        elif t == "Normalize":
            outs = [normalize(a, wb[0], m.norm_param)]
        elif t == "PriorBox":
            outs = [prior_box(a.shape, ins[1].shape if len(ins) > 1 else None, m.prior_box_param)]
        elif t == "Correlation":
            outs = [correlation(ins[0], ins[1], m.correlation_param)]
        elif t == "Accum":
            outs = [accum(ins, m.accum_param)]
        elif t == "FlowWarp":
            outs = [flow_warp(ins[0], ins[1], m.flow_warp_param)]
        elif t == "DataAugmentation":
            outs = [data_augmentation(a, wb, m.augmentation_param)]
        elif t == "ChannelNorm":
            outs = [np.sqrt((a * a).sum(axis=1, keepdims=True))]
        elif t == "Resample":
            rh, rw = (ins[1].shape[2], ins[1].shape[3]) if len(ins) > 1 else (m.resample_param.height,
                                                                                m.resample_param.width)
            outs = [resample(a, rh, rw, m.resample_param)]
        elif t == "Proposal":
            outs = proposal(ins[0], ins[1], ins[2], m.proposal_param, len(layer.tops) > 1)
        elif t == "ROIPooling":
            outs = [roi_pooling(a, ins[1], m.roi_pooling_param)]
        elif t == "DetectionOutput":
            outs = [detection_output(ins[0], ins[1], ins[2], m.detection_output_param)]
        else:
            raise SystemExit(f"no NumPy reference for {t}")
        for top, v in zip(layer.tops, outs):
            blobs[top] = v
    return blobs


def read_weights(path):
    """{layer name: [blobs of each caffemodel layer of that name, in order]}."""
    net = caffe_pb2().NetParameter()
    with open(path, "rb") as f:
        net.ParseFromString(f.read())
    out = {}
    for layer in layers_of(net):
        arrs = []
        for b in layer.msg.blobs:
            shape = list(b.shape.dim) if b.HasField("shape") else [b.num, b.channels, b.height, b.width]
            arrs.append(np.array(b.data, dtype=np.float64).reshape(shape))
        out.setdefault(layer.name, []).append(arrs)
    return out


def main(root):
    worst_ok = True
    for case in sorted(os.listdir(root)):
        d = os.path.join(root, case)
        if not os.path.isdir(d):
            continue
        meta = json.load(open(os.path.join(d, "meta.json")))
        blobs = forward(read_prototxt(os.path.join(d, "net.prototxt")), read_weights(os.path.join(d, "net.caffemodel")),
                        np.load(os.path.join(d, "data.npy")))
        net = read_prototxt(os.path.join(d, "net.prototxt"))
        detections = {t for layer in layers_of(net) if layer.type == "DetectionOutput" for t in layer.tops}
        for e in meta["blobs"]:
            ref = blobs[e["name"]]
            got = np.load(os.path.join(d, e["file"]))
            if e["name"] in detections:
                # Row order and padding are the runtime's choice: compare the detections as a set.
                ref, got = detection_rows(ref), detection_rows(got)
            if ref.shape != got.shape:
                print(f"{case}/{e['name']}: SHAPE numpy {ref.shape} vs OpenCV {got.shape}")
                worst_ok = False
                continue
            diff = float(np.abs(ref - got).max())
            ok = diff <= 1e-4 * max(1.0, float(np.abs(ref).max()))
            worst_ok &= ok
            against = "OpenCV" if meta.get("opencv_version") else "golden (this NumPy pass)"
            print(f"{'ok  ' if ok else 'BAD '} {case}/{e['name']} {got.shape} max|numpy-{against}| {diff:.2e}")
    sys.exit(0 if worst_ok else 1)


if __name__ == "__main__":
    main(sys.argv[1])
