#!/usr/bin/python3
"""Dumps the value of every Caffe blob after a forward pass, computed by OpenCV's Caffe importer.

usage: /usr/bin/python3 tools/golden/dump_blobs.py PROTOTXT CAFFEMODEL INPUT.npy OUTDIR
           [--input-blob data] [--extra-input BLOB=FILE.npy ...] [--only BLOB,BLOB,...] [--reference opencv|numpy]

--reference numpy takes the values from check_layer_goldens.py's float64 NumPy forward pass (written from Caffe's
sources) instead of OpenCV, for layers OpenCV 4.6 cannot import (Reduction, Tile, SPP, Embed, ArgMax).

Writes OUTDIR/<blob>.npy (float32, C order, NCHW) for every blob of the TEST-phase net, the input blob included,
plus OUTDIR/meta.json. A blob's value is Caffe's value after the whole forward pass: for an in-place chain
(conv1 -> relu0 writing blob conv1) that is the output of the LAST layer writing it.

OpenCV cannot load a train_val definition (it refuses two Data layers with the same tops), so when the net has
data-source, loss or accuracy layers, or layers outside the TEST phase, this script writes a deploy definition
for OpenCV itself: TEST-phase layers only, data layers replaced by a legacy `input` of the given input's
shape, loss/accuracy layers dropped. The blob list comes from our own reading of the prototxt, not from OpenCV.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from caffe_proto import (DATA_SOURCE_TYPES, in_test_phase, layers_of, read_prototxt, sha256)  # noqa: E402


def blob_file_name(blob):
    return re.sub(r"[^A-Za-z0-9._-]", "_", blob) + ".npy"


def plan_test_net(net, input_blob):
    """Returns (kept layers, dropped layers with reasons, need_deploy) for the TEST phase."""
    kept, dropped = [], []
    for layer in layers_of(net):
        if not in_test_phase(layer):
            dropped.append((layer, "not in TEST phase"))
        elif layer.type in DATA_SOURCE_TYPES:
            if input_blob not in layer.tops and layer.type != "Input":
                raise SystemExit(f"data layer '{layer.name}' does not produce the input blob '{input_blob}'")
            dropped.append((layer, "data source replaced by the input"))
        elif layer.is_loss_or_metric():
            dropped.append((layer, "loss/metric layer"))
        else:
            kept.append(layer)
    # A net whose only dropped layer is an Input layer is a deploy net already: OpenCV reads it as it is.
    need_deploy = any(layer.type != "Input" for layer, _ in dropped)
    return kept, dropped, need_deploy


def write_deploy(net, kept, input_blob, input_shape, path):
    """A copy of the net with only the kept layers and a legacy 4-D input, which OpenCV reads for V1 and V2 nets."""
    deploy = type(net)()
    deploy.CopyFrom(net)
    keep_names = {id(l.msg) for l in kept}
    field = deploy.layers if len(net.layers) else deploy.layer
    originals = list(net.layers if len(net.layers) else net.layer)
    survivors = [m for m in originals if id(m) in keep_names]
    del field[:]
    for m in survivors:
        field.add().CopyFrom(m)
    del deploy.input[:]
    del deploy.input_dim[:]
    del deploy.input_shape[:]
    deploy.input.append(input_blob)
    deploy.input_shape.add().dim.extend(input_shape)
    for m in field:
        del m.include[:]
        del m.exclude[:]
    with open(path, "w") as f:
        f.write(str(deploy))


def with_opencv_carriers(net):
    """The net with the forks' parameters moved to fields OpenCV's Debian build can parse, or None if it has none.

    Debian's OpenCV parses prototxts with the system protobuf and its own schema, which refuses the forks' *_param
    messages; OpenCV's bundled protobuf would keep them. Its importer flattens the fields of every *_param message
    into one name -> value map, and its layers look values up by name, so a fork's value under a message OpenCV
    knows, with the same field name, reaches the same OpenCV layer code: ShuffleChannel's group via
    convolution_param.group, Interp's height and width via memory_data_param. Interp's zoom_factor, shrink_factor
    and pad_beg/pad_end have no such carrier (those cases use --reference numpy)."""
    carried = type(net)()
    carried.CopyFrom(net)
    moved = []
    for m in carried.layer:  # V1 nets have no fork fields
        if m.HasField("shuffle_channel_param"):
            m.convolution_param.group = m.shuffle_channel_param.group
            m.ClearField("shuffle_channel_param")
            moved.append(f"{m.name}: shuffle_channel_param.group -> convolution_param.group")
        if m.HasField("interp_param"):
            ip = m.interp_param
            for f in ("zoom_factor", "shrink_factor", "pad_beg", "pad_end"):
                if ip.HasField(f):
                    raise SystemExit(f"layer '{m.name}': interp_param.{f} cannot be passed to Debian's OpenCV; "
                                     "use --reference numpy")
            m.memory_data_param.height, m.memory_data_param.width = ip.height, ip.width
            m.ClearField("interp_param")
            moved.append(f"{m.name}: interp_param.height/width -> memory_data_param.height/width")
        if m.HasField("relu6_param"):
            if m.relu6_param.negative_slope != 0:
                raise SystemExit(f"layer '{m.name}': relu6_param.negative_slope has no OpenCV equivalent")
            m.ClearField("relu6_param")
            moved.append(f"{m.name}: relu6_param (negative_slope 0) dropped")
    return (carried, moved) if moved else (None, [])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("prototxt")
    ap.add_argument("caffemodel")
    ap.add_argument("input")
    ap.add_argument("outdir")
    ap.add_argument("--input-blob", default="data")
    ap.add_argument("--extra-input", action="append", default=[], metavar="BLOB=FILE.npy",
                    help="a further input of a net with several (FlowNet's two images); numpy reference only")
    ap.add_argument("--only", default=None,
                    help="comma-separated blobs to keep (the others are computed but not written)")
    ap.add_argument("--note", default=None, help="free text stored in meta.json")
    ap.add_argument("--reference", choices=["opencv", "numpy"], default="opencv")
    args = ap.parse_args()

    x = np.load(args.input).astype(np.float32)
    x = np.ascontiguousarray(x)
    net_def = read_prototxt(args.prototxt)
    kept, dropped, need_deploy = plan_test_net(net_def, args.input_blob)

    extra = {}
    for spec in args.extra_input:
        blob, _, path = spec.partition("=")
        extra[blob] = (path, np.ascontiguousarray(np.load(path).astype(np.float32)))
    if extra and args.reference != "numpy":
        raise SystemExit("--extra-input needs --reference numpy")
    args.extra = extra
    # Network order: the inputs first, then every blob in the order a kept layer first produces it.
    order, last_writer, top_index = [args.input_blob] + list(extra), {}, {}
    for layer in kept:
        for b in layer.bottoms:
            if b not in order:
                raise SystemExit(f"layer '{layer.name}' reads blob '{b}' that nothing kept produces")
        for i, t in enumerate(layer.tops):
            if t not in order:
                order.append(t)
            last_writer[t] = layer
            top_index[t] = i

    if args.reference == "numpy":
        dump_numpy(args, net_def, x, order, last_writer, dropped)
        return
    import cv2
    tmpdir = tempfile.mkdtemp(prefix="golden_deploy_")
    proto_for_opencv = args.prototxt
    if need_deploy:
        proto_for_opencv = os.path.join(tmpdir, "deploy.prototxt")
        write_deploy(net_def, kept, args.input_blob, list(x.shape), proto_for_opencv)

    carried, carriers = with_opencv_carriers(read_prototxt(proto_for_opencv))
    if carried is not None:
        proto_for_opencv = os.path.join(tmpdir, "opencv.prototxt")
        with open(proto_for_opencv, "w") as f:
            f.write(str(carried))
    cv_net = cv2.dnn.readNetFromCaffe(proto_for_opencv, args.caffemodel)
    cv_net.enableFusion(False)  # otherwise a Convolution's output already includes the ReLU after it
    cv_net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    cv_net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    shutil.rmtree(tmpdir)
    cv_layer_names = set(cv_net.getLayerNames())

    def opencv_name(layer):
        # OpenCV keeps the Caffe name for in-place layers and names other layers after their first top
        # (NIN's 'conv4-1024' writing blob 'conv4' becomes 'conv4'); accept whichever exists, never both.
        candidates = [n for n in (layer.name, layer.tops[0]) if n in cv_layer_names]
        if not candidates:
            raise SystemExit(f"OpenCV has no layer for Caffe layer '{layer.name}' (tops {layer.tops})")
        if len(set(candidates)) > 1:
            in_place = layer.tops[0] in layer.bottoms
            return layer.name if in_place else layer.tops[0]
        return candidates[0]

    values, cv_names = {args.input_blob: x}, {}
    retrieved = {}
    for blob in order[1:]:
        layer = last_writer[blob]
        # OpenCV splits a Convolution with several bottoms into one layer per top, named after the top.
        split = (len(layer.tops) > 1 and layer.name not in cv_layer_names
                 and all(t in cv_layer_names for t in layer.tops))
        name = blob if split else opencv_name(layer)
        tops = 1 if split else len(layer.tops)
        cv_names[blob] = name
        if name not in retrieved:
            # One forward pass per layer: nothing after the requested layer can overwrite its output buffers.
            cv_net.setInput(x, args.input_blob)
            outs = cv_net.forwardAndRetrieve([name])[0]
            # OpenCV's MAX Pooling may add a second output (the argmax mask) that Caffe has no top for.
            extra_ok = layer.type == "Pooling" and len(outs) == tops + 1
            if len(outs) != tops and not extra_ok:
                raise SystemExit(f"OpenCV layer '{name}' has {len(outs)} outputs, Caffe layer '{layer.name}' "
                                 f"has {len(layer.tops)} tops")
            retrieved[name] = [np.array(o, dtype=np.float32, copy=True) for o in outs]
        values[blob] = retrieved[name][0 if split else top_index[blob]]

    write_blobs(args, x, order, values, last_writer, dropped, need_deploy, cv_names,
                "OpenCV %s cv2.dnn.readNetFromCaffe (DNN_BACKEND_OPENCV, CPU, float32, enableFusion(False))"
                % cv2.__version__, cv2.__version__, carriers)


def dump_numpy(args, net_def, x, order, last_writer, dropped):
    """The float64 NumPy forward pass of check_layer_goldens.py, rounded to float32."""
    from check_layer_goldens import forward, read_weights  # noqa: E402
    if any(layer.type not in DATA_SOURCE_TYPES for layer, _ in dropped):
        raise SystemExit("--reference numpy takes nets whose only dropped layers are data sources")
    extra = {b: v for b, (_, v) in args.extra.items()}
    blobs = forward(net_def, read_weights(args.caffemodel), x, extra, args.input_blob)
    values = {b: blobs[b] for b in order}
    values[args.input_blob] = x
    values.update(extra)
    write_blobs(args, x, order, values, last_writer, dropped, False, None,
                "float64 NumPy forward pass of tools/golden/check_layer_goldens.py (from Caffe's layer sources), "
                "rounded to float32; OpenCV 4.6 cannot import this net", None)


def write_blobs(args, x, order, values, last_writer, dropped, need_deploy, cv_names, reference, opencv_version,
                carriers=()):
    keep = order if args.only is None else [b for b in order if b in set(args.only.split(","))]
    if args.only is not None:
        missing = set(args.only.split(",")) - set(order)
        if missing:
            raise SystemExit(f"--only names unknown blobs: {sorted(missing)}")
    os.makedirs(args.outdir, exist_ok=True)
    for stale in os.listdir(args.outdir):
        inputs = {os.path.basename(args.input)} | {os.path.basename(p) for p, _ in getattr(args, "extra", {}).values()}
        if stale.endswith(".npy") and stale not in inputs:
            os.remove(os.path.join(args.outdir, stale))
    blobs_meta, used_files = [], set()
    for blob in keep:
        v = np.ascontiguousarray(values[blob], dtype=np.float32)
        fname = blob_file_name(blob)
        if fname in used_files:
            raise SystemExit(f"two blobs map to the same file name {fname}")
        used_files.add(fname)
        np.save(os.path.join(args.outdir, fname), v)
        entry = {"name": blob, "file": fname, "shape": list(v.shape)}
        if blob != args.input_blob and blob not in getattr(args, "extra", {}):
            entry["writer"] = last_writer[blob].name
            if cv_names is not None:
                entry["opencv_layer"] = cv_names[blob]
        entry["stats"] = {"min": float(v.min()), "max": float(v.max()), "mean_abs": float(np.abs(v).mean()),
                          "zero_fraction": float((v == 0).mean())}
        blobs_meta.append(entry)

    meta = {
        "reference": reference,
        "opencv_version": opencv_version,
        "numpy_version": np.__version__,
        "command": shlex.join(["/usr/bin/python3", "tools/golden/dump_blobs.py"] + sys.argv[1:]),
        "prototxt": {"file": os.path.basename(args.prototxt), "sha256": sha256(args.prototxt)},
        "caffemodel": {"file": os.path.basename(args.caffemodel), "sha256": sha256(args.caffemodel)},
        "input": {"blob": args.input_blob, "file": os.path.basename(args.input), "shape": list(x.shape),
                  "sha256": sha256(args.input)},
        "extra_inputs": [{"blob": b, "file": os.path.basename(p), "shape": list(v.shape), "sha256": sha256(p)}
                         for b, (p, v) in getattr(args, "extra", {}).items()],
        "deploy_derived_for_opencv": need_deploy,
        "dropped_layers": [{"name": l.name, "type": l.type, "reason": r} for l, r in dropped],
        "network_order": "input blob first, then each blob where a TEST-phase layer first produces it; "
                         "values are after the LAST writer (in-place chains)",
        "all_blobs": order,
        "blobs": blobs_meta,
    }
    if carriers:
        meta["opencv_carriers"] = list(carriers)
    if args.only is not None:
        meta["omitted_blobs"] = [b for b in order if b not in keep]
    if args.note:
        meta["note"] = args.note
    with open(os.path.join(args.outdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    for e in blobs_meta:
        s = e["stats"]
        print(f"{e['name']:>14} {str(tuple(e['shape'])):>20} min {s['min']:+.4g} max {s['max']:+.4g} "
              f"mean|x| {s['mean_abs']:.4g} zeros {s['zero_fraction']:.2f}")


if __name__ == "__main__":
    main()
