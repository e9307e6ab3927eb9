#!/usr/bin/env bash
# Compares caffe4j with OpenCV 4.10's Caffe runtime on NIN ImageNet (the original V1 train_val plus the test
# caffemodel built from the 22 real weight blobs), or with --net on a zoo net (testdata/zoo/NAME_deploy.prototxt with
# seeded weights, testing.SeededCaffemodel seed 1, written once under target/bench-zoo/), alternating runs in one JVM.
#   bench/opencv/run.sh [--net NAME] [--batch N] [--threads T] [--rounds R] [--iterations K] [--warmup-seconds S]
#                       [--jdk JAVA_HOME] [--onnxruntime [--per-layer N]]
# --onnxruntime adds ONNX Runtime 1.20 as a third peer in the same rounds, on the same model converted to ONNX by
# caffe_to_onnx.py (needs Debian's python3-onnx and protobuf-compiler: apt-get install -y python3-onnx protobuf-compiler).
# --per-layer N then also prints a per-layer table: caffe4j's steps timed one by one and ONNX Runtime's profiler,
# N passes each (after N untimed ones), the nodes matched to the Caffe layers by name.
# BENCH_JAVA_OPTS adds JVM options to the comparison's JVM (e.g. -XX:+UseTransparentHugePages); they apply to both
# runtimes' Java side, and OpenCV's native allocations are unaffected.
# Needs Maven Central (OpenCV's natives come as a jar). Writes nothing outside target/ folders.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
net=nin batch=1 threads=2 rounds=12 iterations=8 warmup_seconds=8 jdk="" onnxruntime="" per_layer=0
while [ $# -gt 0 ]; do
  case "$1" in
    --net) net="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --iterations) iterations="$2"; shift 2 ;;
    --warmup-seconds) warmup_seconds="$2"; shift 2 ;;
    --jdk) jdk="$2"; shift 2 ;;
    --onnxruntime) onnxruntime=1; shift ;;
    --per-layer) per_layer="$2"; shift 2 ;;
    *) echo "error: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$per_layer" != 0 ] && [ -z "$onnxruntime" ]; then
  echo "error: --per-layer needs --onnxruntime" >&2
  exit 2
fi
# shellcheck source=jvm.sh
. "$here/jvm.sh"
jdk="${jdk:-$(bench_default_jdk)}"
work="$root/target/bench-opencv"
mkdir -p "$work"
(cd "$root" && mvn -q -B -ntp -DskipTests install -pl core,cli -am && mvn -q -B -ntp test-compile -pl core)
if [ "$net" = nin ]; then
  prototxt="$root/testdata/nin_imagenet/train_val.prototxt" weights="$work/nin_test.caffemodel"
  if [ ! -f "$weights" ]; then
    java -cp "$root/core/target/test-classes:$root/cli/target/caffe4j-all.jar" org.caffe4j.testing.NinTestModel "$weights"
  fi
else
  prototxt="$root/testdata/zoo/${net}_deploy.prototxt" weights="$root/target/bench-zoo/$net.caffemodel"
  if [ ! -f "$prototxt" ]; then
    echo "error: no zoo net $net (expected $prototxt)" >&2
    exit 2
  fi
  if [ ! -s "$weights" ] || [ "$weights" -ot "$prototxt" ]; then
    mkdir -p "$root/target/bench-zoo"
    # The test classes were compiled against protobuf-java itself, not the copy relocated inside the jar.
    protobuf="$(ls ~/.m2/repository/com/google/protobuf/protobuf-java/*/protobuf-java-*.jar | sort -V | tail -1)"
    java -cp "$root/core/target/test-classes:$root/core/target/classes:$protobuf:$root/cli/target/caffe4j-all.jar" \
      org.caffe4j.testing.SeededCaffemodel "$prototxt" "$weights" 1 >/dev/null
  fi
fi
stem="$(basename "$weights" .caffemodel)"
deploy="$work/$net-b$batch"
rm -rf "$deploy"
"$root/caffe4j" upgrade "$prototxt" "$weights" --batch "$batch" --out "$deploy" >/dev/null
onnx_args=()
if [ -n "$onnxruntime" ]; then
  /usr/bin/python3 "$here/caffe_to_onnx.py" "$root/proto/caffe.proto" "$deploy/deploy.prototxt" \
    "$deploy/${stem}_v2.caffemodel" "$deploy/$stem.onnx"
  onnx_args=(--onnx "$deploy/$stem.onnx" --per-layer "$per_layer")
fi
(cd "$here" && mvn -q -B -ntp package)
cp="$here/target/classes:$(cat "$here/target/classes.txt" 2>/dev/null || cat "$here/target/classpath.txt")"
# shellcheck disable=SC2206
opts=(--add-modules=jdk.incubator.vector -Xmx6g ${BENCH_JAVA_OPTS:-} $(bench_jdk_flags "$jdk"))
"$jdk/bin/java" "${opts[@]}" -cp "$cp" org.caffe4j.bench.OpenCvComparison \
  --caffe4j-net "$prototxt" --caffe4j-weights "$weights" \
  --opencv-net "$deploy/deploy.prototxt" --opencv-weights "$deploy/${stem}_v2.caffemodel" \
  --batch "$batch" --threads "$threads" --rounds "$rounds" --iterations "$iterations" \
  --warmup-seconds "$warmup_seconds" ${onnx_args[@]+"${onnx_args[@]}"} 2>&1 \
  | grep -av "^WARNING: Using incubator modules"
