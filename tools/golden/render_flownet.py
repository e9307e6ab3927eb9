#!/usr/bin/python3
"""Fills in a FlowNet 2.0 deploy template as the fork's scripts/run-flownet.py does (Python 2's str() of the sizes
and of the scale ratios), for an image of WIDTH x HEIGHT.

usage: /usr/bin/python3 tools/golden/render_flownet.py TEMPLATE WIDTH HEIGHT OUT.prototxt
"""
import math
import sys


def py2_str(v):
    """Python 2.7's str(): ints as they are, floats with 12 significant digits."""
    if isinstance(v, int):
        return str(v)
    s = "%.12g" % v
    return s if ("." in s or "e" in s) else s + ".0"


def main(template, width, height, out):
    width, height = int(width), int(height)
    values = {"TARGET_WIDTH": width, "TARGET_HEIGHT": height}
    values["ADAPTED_WIDTH"] = int(math.ceil(width / 64.0) * 64)
    values["ADAPTED_HEIGHT"] = int(math.ceil(height / 64.0) * 64)
    values["SCALE_WIDTH"] = width / float(values["ADAPTED_WIDTH"])
    values["SCALE_HEIGHT"] = height / float(values["ADAPTED_HEIGHT"])
    with open(template) as f, open(out, "w") as o:
        for line in f:
            for key, value in values.items():
                line = line.replace("$%s$" % key, py2_str(value))
            o.write(line)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
