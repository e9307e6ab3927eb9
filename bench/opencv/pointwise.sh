#!/usr/bin/env bash
# caffe4j's 1x1 convolution kernel against ONNX Runtime's on chains of 1x1 convolutions with NIN's four cccp shapes
# (96 on 54x54, 256 on 27x27, 384 on 13x13, 1024 on 6x6), alternating rounds in one JVM per shape. With one thread
# (the default) it also times caffe4j's GEMM micro-kernel in L1 on the same multiply-adds.
#   bench/opencv/pointwise.sh [--threads T] [--depth D] [--rounds R] [--jdk JAVA_HOME]
# Needs Debian's python3-onnx (apt-get install -y python3-onnx) and Maven Central. Writes only under target/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
threads=1 depth=8 rounds=20 jdk=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --depth) depth="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --jdk) jdk="$2"; shift 2 ;;
    *) echo "error: unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=jvm.sh
. "$here/jvm.sh"
jdk="${jdk:-$(bench_default_jdk)}"
work="$root/target/bench-pointwise"
mkdir -p "$work"
(cd "$root" && mvn -q -B -ntp -DskipTests install -pl core -am)
(cd "$here" && mvn -q -B -ntp package)
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
# shellcheck disable=SC2206
opts=(--add-modules=jdk.incubator.vector -Xmx2g $(bench_jdk_flags "$jdk"))
for shape in "96 54" "256 27" "384 13" "1024 6"; do
  set -- $shape
  name="chain-$1x$2x$depth"
  /usr/bin/python3 "$here/pointwise_chain.py" "$work/$name.onnx" "$work/$name.f32" "$1" "$2" "$depth"
  "$jdk/bin/java" "${opts[@]}" -cp "$cp" org.caffe4j.bench.PointwiseChainComparison \
    --onnx "$work/$name.onnx" --weights "$work/$name.f32" --channels "$1" --size "$2" --depth "$depth" \
    --threads "$threads" --rounds "$rounds" 2>&1 | grep -av "^WARNING: Using incubator modules"
done
