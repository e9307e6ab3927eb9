#!/usr/bin/env bash
# Peak RSS of a one-image `./caffe4j run` in a new process, per net and JDK (issue 19).
#   bench/memory.sh [JAVA_BIN...]     default: the launcher's own choice (newest JDK)
# Nets: NIN (testdata weights, NinTestModel) and SqueezeNet 1.1, ResNet-50, VGG16 (testdata/zoo deploy
# prototxts with seeded weights from SeededCaffemodel). Models and inputs are generated once into target/memory/.
# CAFFE4J_JAVA_OPTS is passed through to the launcher (e.g. to compare GC settings); NETS="nin vgg16" picks nets.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
dir=target/memory
mkdir -p "$dir"

if [ ! -f "$dir/classpath" ] || [ ! -f target/test-classes/org/caffe4j/testing/SeededCaffemodel.class ]; then
  mvn -B -ntp -q test-compile
  mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile="$dir/classpath" >/dev/null
fi
cp="target/test-classes:target/classes:$(cat "$dir/classpath")"
gen_java="${CAFFE4J_JAVA:-java}"

[ -f "$dir/nin.caffemodel" ] || "$gen_java" -cp "$cp" org.caffe4j.testing.NinTestModel "$dir/nin.caffemodel" >/dev/null
for n in squeezenet_v1.1 resnet50 vgg16; do
  [ -f "$dir/$n.caffemodel" ] || "$gen_java" -Xmx512m -cp "$cp" org.caffe4j.testing.SeededCaffemodel \
    "testdata/zoo/${n}_deploy.prototxt" "$dir/$n.caffemodel" >/dev/null
done
# Seeded float32 NCHW inputs in numpy's .npy format (no numpy needed).
python3 - "$dir" <<'EOF'
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
EOF

nets="${NETS:-nin squeezenet_v1.1 resnet50 vgg16}"
javas=("$@")
[ ${#javas[@]} -gt 0 ] || javas=("")
printf '%-16s %-6s %12s %9s %s\n' net jdk peak_rss_MB wall_s status
for j in "${javas[@]}"; do
  for n in $nets; do
    case "$n" in
      nin) net=testdata/nin_imagenet/train_val.prototxt; x="$dir/in224.npy" ;;
      squeezenet_v1.1) net=testdata/zoo/squeezenet_v1.1_deploy.prototxt; x="$dir/in227.npy" ;;
      *) net="testdata/zoo/${n}_deploy.prototxt"; x="$dir/in224.npy" ;;
    esac
    out="$dir/out-$n"
    rm -rf "$out"
    log="$(mktemp)"
    set +e
    CAFFE4J_JAVA="${j:-${CAFFE4J_JAVA:-}}" /usr/bin/time -v ./caffe4j run "$net" "$dir/$n.caffemodel" --input "$x" \
      --out "$out" >/dev/null 2>"$log"
    status=$?
    set -e
    rss_kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")"
    wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")"
    ver="$("${j:-java}" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
    [ -n "$j" ] || ver=default
    printf '%-16s %-6s %12d %9s %s\n' "$n" "$ver" "$((rss_kb / 1024))" "$wall" \
      "$([ $status -eq 0 ] && echo ok || { echo "exit $status: $(grep -m1 error "$log")"; })"
    rm -f "$log"
  done
done
