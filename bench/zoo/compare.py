#!/usr/bin/python3
"""Compares caffe4j with OpenCV 4.6's Caffe importer (Debian's python3-opencv) on zoo nets with seeded weights.

    bench/zoo/compare.py [NET ...] [--rounds R] [--iterations K] [--threads T] [--warmup-seconds S] [--jdk JAVA]
                         [--opencv-layers N]

NET is a name under testdata/zoo (mobilenet_v2 for testdata/zoo/mobilenet_v2_deploy.prototxt) or a deploy prototxt;
by default every zoo net. Weights come from org.caffe4j.testing.SeededCaffemodel (seed 1), written once under
target/bench-zoo/. caffe4j runs in one JVM per net (bench/zoo/ZooPeer.java) and OpenCV in this process; after both
have warmed up for S seconds, rounds alternate (which runtime goes first alternates too), each timing K passes.
Printed per net: ms per image of each (median over rounds of the round's median pass), the ratio caffe4j/OpenCV as
the median and range of the per-round ratios, caffe4j's peak resident size (the whole JVM) and the resident memory
OpenCV's net added to this process. --opencv-layers N prints OpenCV's N slowest layers (getPerfProfile), for
comparison with the per-layer table of `./caffe4j bench`. Build first: mvn -DskipTests package -pl cli -am && mvn test-compile -pl core.
"""
import argparse
import glob
import os
import re
import statistics
import subprocess
import sys
import threading
import time

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "cli", "target", "caffe4j-all.jar")
WORK = os.path.join(ROOT, "target", "bench-zoo")


def newest_java():
    best, best_version = "java", 0
    for java in glob.glob("/usr/lib/jvm/*/bin/java"):
        release = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(java))), "release")
        try:
            with open(release) as f:
                line = next(l for l in f if l.startswith("JAVA_VERSION="))
            version = int(line.split('"')[1].split(".")[0])
        except (OSError, StopIteration, ValueError):
            continue
        if version > best_version:
            best, best_version = java, version
    return best, best_version


def java_version(java):
    out = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True).stderr
    for line in out.splitlines():
        if "java.specification.version" in line:
            return int(line.split("=")[1].strip().split(".")[0])
    return 0


def prototxt_of(name):
    if os.path.isfile(name):
        return os.path.abspath(name)
    path = os.path.join(ROOT, "testdata", "zoo", name + "_deploy.prototxt")
    if not os.path.isfile(path):
        sys.exit("error: no net %s (expected %s)" % (name, path))
    return path


def seeded_weights(prototxt):
    os.makedirs(WORK, exist_ok=True)
    out = os.path.join(WORK, os.path.basename(prototxt).replace("_deploy.prototxt", "").replace(".prototxt", "")
                       + ".caffemodel")
    if not os.path.isfile(out) or os.path.getsize(out) == 0 or os.path.getmtime(out) < os.path.getmtime(prototxt):
        # The test classes (SeededCaffemodel) were compiled against protobuf-java itself, not the copy relocated
        # inside the jars: run them on the unshaded classes and Maven's protobuf-java.
        protobuf = sorted(glob.glob(os.path.expanduser("~/.m2/repository/com/google/protobuf/protobuf-java/*/protobuf-java-*.jar")))
        if not protobuf:
            sys.exit("error: protobuf-java is not in ~/.m2 (run the Maven build first)")
        cp = ":".join([os.path.join(ROOT, "core", "target", "test-classes"), os.path.join(ROOT, "core", "target", "classes"),
                       protobuf[-1], JAR])
        subprocess.run(["java", "-cp", cp, "org.caffe4j.testing.SeededCaffemodel", prototxt, out, "1"],
                       check=True, stdout=subprocess.DEVNULL)
    return out


def status_kb(pid, field):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class CaffePeer:
    def __init__(self, java, version, prototxt, weights, threads):
        heap_mb = max(2048, 2 * os.path.getsize(weights) // 1048576 + 1024)
        opts = ["--add-modules=jdk.incubator.vector", "-XX:+UseSerialGC", "-Xms16m", "-XX:MaxNewSize=64m",
                "-Xmx%dm" % heap_mb]
        if version >= 23:
            opts.append("--sun-misc-unsafe-memory-access=allow")
        self.proc = subprocess.Popen([java] + opts + ["-cp", JAR, os.path.join(ROOT, "bench", "zoo", "ZooPeer.java"),
                                                       prototxt, weights, str(threads)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._forward_stderr, daemon=True).start()
        if self.proc.stdout.readline().strip() != "ready":
            sys.exit("error: caffe4j could not load %s (its message is above)" % prototxt)

    def _forward_stderr(self):
        for line in self.proc.stderr:
            # The JVM's notice about the incubator module, and javac's (JDK 17) when it compiles ZooPeer.java.
            if not line.startswith(("WARNING: Using incubator modules", "warning: using incubating module",
                                    "1 warning")):
                sys.stderr.write(line)

    def run(self, passes):
        self.proc.stdin.write("%d\n" % passes)
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            sys.exit("error: caffe4j's process ended early")
        return [float(x) for x in line.split()]

    def peak_mb(self):
        return status_kb(self.proc.pid, "VmHWM") / 1024

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


class OpenCvPeer:
    def __init__(self, prototxt, weights):
        self.net = cv2.dnn.readNetFromCaffe(prototxt, weights)
        self.net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
        self.net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
        shape = shape_of(prototxt)
        self.blob = np.random.default_rng(7).uniform(-1, 1, size=shape).astype(np.float32)

    def run(self, passes):
        times = []
        for _ in range(passes):
            t0 = time.perf_counter()
            self.net.setInput(self.blob)
            self.net.forward()
            times.append((time.perf_counter() - t0) * 1e3)
        return times

    def slowest_layers(self, n):
        total, per_layer = self.net.getPerfProfile()
        freq = cv2.getTickFrequency() / 1e3
        names = self.net.getLayerNames()
        rows = sorted(((float(t) / freq, names[i]) for i, t in enumerate(np.ravel(per_layer))), reverse=True)
        return total / freq, rows[:n]


def shape_of(prototxt):
    """The input shape from the prototxt's input_param or input_dim fields (both peers are given this shape)."""
    text = open(prototxt).read()
    m = re.search(r"input_param\s*\{\s*shape:\s*\{([^}]*)\}", text)
    dims = [int(d) for d in re.findall(r"dim:\s*(\d+)", m.group(1))] if m else \
        [int(d) for d in re.findall(r"input_dim:\s*(\d+)", text)][:4]
    if len(dims) != 4:
        sys.exit("error: %s: no 4-D input shape found" % prototxt)
    return dims


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("nets", nargs="*")
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--iterations", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup-seconds", type=float, default=10)
    p.add_argument("--jdk", help="java binary (default: the newest JDK under /usr/lib/jvm)")
    p.add_argument("--opencv-layers", type=int, default=0)
    a = p.parse_args()
    if not os.path.isfile(JAR):
        sys.exit("error: %s is missing; run mvn -DskipTests package -pl cli -am && mvn test-compile -pl core" % JAR)
    java, version = (a.jdk, java_version(a.jdk)) if a.jdk else newest_java()
    cv2.setNumThreads(a.threads)
    nets = a.nets or sorted(os.path.basename(f)[:-len("_deploy.prototxt")]
                            for f in glob.glob(os.path.join(ROOT, "testdata", "zoo", "*_deploy.prototxt")))
    print("OpenCV %s, %d thread(s); caffe4j on Java %d; %d rounds of %d passes after %.0f s warm-up; load %s"
          % (cv2.__version__, a.threads, version, a.rounds, a.iterations, a.warmup_seconds,
             open("/proc/loadavg").read().split()[0]))
    print("%-16s %12s %12s %8s %15s %11s %10s" % ("net", "caffe4j ms", "OpenCV ms", "ratio", "ratio range",
                                                   "caffe4j MB", "OpenCV MB"))
    for name in nets:
        prototxt = prototxt_of(name)
        weights = seeded_weights(prototxt)
        batch = shape_of(prototxt)[0]
        rss_before = status_kb("self", "VmRSS")
        cv = OpenCvPeer(prototxt, weights)
        c4j = CaffePeer(java, version, prototxt, weights, a.threads)
        for peer in (c4j, cv):
            end = time.time() + a.warmup_seconds
            while time.time() < end:
                peer.run(1)
        c4j_ms, cv_ms, ratios = [], [], []
        for r in range(a.rounds):
            order = (c4j, cv) if r % 2 == 0 else (cv, c4j)
            got = {peer: statistics.median(peer.run(a.iterations)) for peer in order}
            c4j_ms.append(got[c4j] / batch)
            cv_ms.append(got[cv] / batch)
            ratios.append(got[c4j] / got[cv])
        cv_mb = (status_kb("self", "VmRSS") - rss_before) / 1024
        print("%-16s %12.2f %12.2f %8.2f %7.2f - %5.2f %11.0f %10.0f" % (
            name, statistics.median(c4j_ms), statistics.median(cv_ms), statistics.median(ratios), min(ratios),
            max(ratios), c4j.peak_mb(), cv_mb), flush=True)
        if a.opencv_layers:
            total, rows = cv.slowest_layers(a.opencv_layers)
            print("  OpenCV's slowest layers of its last pass (%.1f ms):" % total)
            for ms, layer in rows:
                print("    %8.2f ms  %s" % (ms, layer))
        c4j.close()
        del cv


if __name__ == "__main__":
    main()
