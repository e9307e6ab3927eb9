#!/usr/bin/env bash
# New process -> one result: wall time and peak RSS of a one-image `./caffe4j run`, against OpenCV 4.10 (Java,
# org.bytedeco) and, for NIN, ONNX Runtime 1.20 (Java) doing the same in a new JVM (bench/opencv PeerOneShot),
# in alternating rounds (issue 19's cold-start and memory figures).
#   bench/oneshot.sh [--rounds R] [--no-peers] [JAVA_BIN...]   default JAVA_BIN: the launcher's own choice (newest JDK)
# Nets: NIN (testdata weights, NinTestModel) and SqueezeNet 1.1, ResNet-50, VGG16 (testdata/zoo deploy prototxts with
# seeded weights from SeededCaffemodel); NETS="nin vgg16" picks nets. Models and inputs are generated once into
# target/memory/. Peers run on the same JAVA_BIN with 2 threads, as caffe4j does here; OpenCV reads NIN's
# `caffe4j upgrade` V2 deploy (it cannot read Data layers). CAFFE4J_JAVA_OPTS is passed through to the launcher.
# ONNX Runtime needs Debian's python3-onnx and protobuf-compiler (bench/opencv/caffe_to_onnx.py).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
rounds=3 peers=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --no-peers) peers=""; shift ;;
    -*) echo "error: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
dir=target/memory
mkdir -p "$dir"

if [ ! -f "$dir/classpath" ] || [ ! -f core/target/test-classes/org/caffe4j/testing/SeededCaffemodel.class ]; then
  mvn -B -ntp -q test-compile -pl core
  mvn -B -ntp -q dependency:build-classpath -pl core -Dmdep.outputFile="$PWD/$dir/classpath" >/dev/null
fi
cp="core/target/test-classes:core/target/classes:$(cat "$dir/classpath")"
gen_java="${CAFFE4J_JAVA:-java}"

[ -f "$dir/nin.caffemodel" ] || "$gen_java" -cp "$cp" org.caffe4j.testing.NinTestModel "$dir/nin.caffemodel" >/dev/null
for n in squeezenet_v1.1 resnet50 vgg16; do
  [ -f "$dir/$n.caffemodel" ] || "$gen_java" -Xmx512m -cp "$cp" org.caffe4j.testing.SeededCaffemodel \
    "testdata/zoo/${n}_deploy.prototxt" "$dir/$n.caffemodel" >/dev/null
done
# Seeded float32 NCHW inputs in numpy's .npy format (no numpy needed).
python3 - "$dir" <<'PY'
import random, struct, sys, os
for name, shape in [("in224", (1, 3, 224, 224)), ("in227", (1, 3, 227, 227))]:
    path = os.path.join(sys.argv[1], name + ".npy")
    if os.path.exists(path):
        continue
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % (shape,)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    rnd = random.Random(1)
    n = shape[0] * shape[1] * shape[2] * shape[3]
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%df" % n, *(rnd.uniform(-100, 100) for _ in range(n))))
PY

peer_cp=""
if [ -n "$peers" ]; then
  mvn -B -ntp -q -DskipTests install -pl core -am
  (cd bench/opencv && mvn -q -B -ntp package)
  peer_cp="bench/opencv/target/classes:$(cat bench/opencv/target/classpath.txt)"
  if [ ! -f "$dir/nin-v2/deploy.prototxt" ]; then
    ./caffe4j upgrade testdata/nin_imagenet/train_val.prototxt "$dir/nin.caffemodel" --out "$dir/nin-v2" >/dev/null
  fi
  if [ ! -f "$dir/nin.onnx" ] && /usr/bin/python3 -c 'import onnx' 2>/dev/null; then
    /usr/bin/python3 bench/opencv/caffe_to_onnx.py proto/caffe.proto "$dir/nin-v2/deploy.prototxt" \
      "$dir/nin-v2/nin_v2.caffemodel" "$dir/nin.onnx" >/dev/null
  fi
fi

# Runs "$@" under /usr/bin/time; prints "wall_s rss_MB status".
measure() {
  local log status
  log="$(mktemp)"
  set +e
  /usr/bin/time -f '%e %M' -o "$log.time" "$@" >/dev/null 2>"$log"
  status=$?
  set -e
  read -r wall rss_kb < <(tail -1 "$log.time")
  echo "$wall $((rss_kb / 1024)) $([ $status -eq 0 ] && echo ok || echo "exit_$status:$(grep -m1 -i error "$log" | tr ' ' '_')")"
  rm -f "$log" "$log.time"
}

median() { sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

nets="${NETS:-nin squeezenet_v1.1 resnet50 vgg16}"
javas=("$@")
[ ${#javas[@]} -gt 0 ] || javas=("")
printf '%-16s %-4s %-13s %8s %8s %8s %8s  %s\n' net jdk runtime wall_s rss_MB wall_x rss_x status
for j in "${javas[@]}"; do
  java_bin="${j:-$(command -v java)}"
  ver="$("$java_bin" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  [ -n "$j" ] || ver=dflt
  flags=()
  if [ "${ver:-0}" -ge 23 ] 2>/dev/null; then flags=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED); fi
  # One untimed run first: the launcher's first model-loading run on a JDK writes its class-data-sharing archive,
  # which every later run maps (measured here as users meet it from their second run on).
  rm -rf "$dir/out-warm"
  CAFFE4J_JAVA="$java_bin" ./caffe4j run testdata/nin_imagenet/train_val.prototxt "$dir/nin.caffemodel" \
    --input "$dir/in224.npy" --out "$dir/out-warm" --threads 2 >/dev/null
  for n in $nets; do
    case "$n" in
      nin) net=testdata/nin_imagenet/train_val.prototxt; x="$dir/in224.npy"
           cv_net="$dir/nin-v2/deploy.prototxt"; cv_w="$dir/nin-v2/nin_v2.caffemodel" ;;
      squeezenet_v1.1) net=testdata/zoo/squeezenet_v1.1_deploy.prototxt; x="$dir/in227.npy"; cv_net="$net"; cv_w="$dir/$n.caffemodel" ;;
      *) net="testdata/zoo/${n}_deploy.prototxt"; x="$dir/in224.npy"; cv_net="$net"; cv_w="$dir/$n.caffemodel" ;;
    esac
    runtimes=(caffe4j)
    if [ -n "$peers" ]; then
      runtimes+=(opencv)
      if [ "$n" = nin ] && [ -f "$dir/nin.onnx" ]; then runtimes+=(onnxruntime); fi
    fi
    declare -A walls=() rsss=() stat=()
    for ((r = 0; r < rounds; r++)); do
      for ((q = 0; q < ${#runtimes[@]}; q++)); do
        rt="${runtimes[$(((r + q) % ${#runtimes[@]}))]}"
        case "$rt" in
          caffe4j) rm -rf "$dir/out-$n"
                   res="$(CAFFE4J_JAVA="$java_bin" measure ./caffe4j run "$net" "$dir/$n.caffemodel" --input "$x" \
                          --out "$dir/out-$n" --threads 2)" ;;
          opencv) res="$(measure "$java_bin" "${flags[@]}" -cp "$peer_cp" org.caffe4j.bench.PeerOneShot opencv \
                          "$cv_net" "$cv_w" "$x" 2)" ;;
          onnxruntime) res="$(measure "$java_bin" "${flags[@]}" -cp "$peer_cp" org.caffe4j.bench.PeerOneShot \
                          onnxruntime "$dir/nin.onnx" "$x" 2)" ;;
        esac
        read -r w m s <<<"$res"
        walls[$rt]+="$w "; rsss[$rt]+="$m "; [ "$s" = ok ] || stat[$rt]="$s"
      done
    done
    base_w="" base_m=""
    for rt in "${runtimes[@]}"; do
      mw="$(tr ' ' '\n' <<<"${walls[$rt]}" | grep . | median)"
      mm="$(tr ' ' '\n' <<<"${rsss[$rt]}" | grep . | median)"
      if [ "$rt" = caffe4j ]; then base_w="$mw" base_m="$mm"; rw="" rm_=""; else
        rw="$(awk -v a="$base_w" -v b="$mw" 'BEGIN{printf "%.2f", a/b}')"
        rm_="$(awk -v a="$base_m" -v b="$mm" 'BEGIN{printf "%.2f", a/b}')"; fi
      printf '%-16s %-4s %-13s %8s %8s %8s %8s  %s\n' "$n" "$ver" "$rt" "$mw" "$mm" "$rw" "$rm_" "${stat[$rt]:-ok}"
    done
    unset walls rsss stat
  done
done
echo "# medians of $rounds alternating rounds; wall_x, rss_x: caffe4j's median over the peer's (below 1: caffe4j less)"
