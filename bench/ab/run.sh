#!/usr/bin/env bash
# A/B of a kernel change on one model: the working tree's core classes against another commit's, alternating in one
# JVM (bench/ab/ABModels.java); prints each variant's median ms a pass and the median (and range) of the per-round
# ratios working tree / commit. Below 1 means the working tree is faster. It runs two JVMs, the first loading the
# commit's build first, the second the working tree's, and prints the geometric mean of their two medians: on JDK 17
# one build can run 1.2x slower than the same classes in the other loader, by JVM (bench/HISTORY.md, session 34), and
# two runs that disagree say so. --one-order runs only the first JVM.
# --first-pass N measures instead what the change costs before the JIT has compiled it, which the steady state hides
# (bench/HISTORY.md, session 40): each build loads the model and runs one pass in a new JVM with the launcher's
# settings (bench/ab/FirstPass.java), N times in alternation; it prints load, first-pass time and the heap the pass
# allocated, per side (medians, then every run); CLASSES_DIR variants are left out.
#   bench/ab/run.sh [--against REV] [--rounds R] [--passes P] [--threads T] [--warmup-seconds S] [--batch N]
#                   [--jdk JAVA_HOME] [--one-order | --first-pass N] NET WEIGHTS [CLASSES_DIR...]
# REV defaults to HEAD; its core is compiled once in a worktree under target/ab/. Each CLASSES_DIR adds a variant:
# classes compiled against core/target/classes (one changed kernel class, say) put in front of the working tree's.
# Cut a net down to the layers a change touches where the whole model's noise would hide it (bench/HISTORY.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

against=HEAD rounds=20 passes=10 threads=2 warmup=6 batch=0 jdk="" orders="forward reversed" first_pass=0
while [ $# -gt 0 ]; do
  case "$1" in
    --against) against="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --passes) passes="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --warmup-seconds) warmup="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --jdk) jdk="$2"; shift 2 ;;
    --one-order) orders="forward"; shift ;;
    --first-pass) first_pass="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "error: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -lt 2 ]; then
  echo "error: NET and WEIGHTS are required (bench/ab/run.sh --help)" >&2
  exit 2
fi
net="$1" weights="$2"
shift 2
java="${jdk:+$jdk/bin/}java"

rev="$(git rev-parse --short "$against")"
mkdir -p target/ab
echo "== compiling the working tree's core, and $against ($rev) in target/ab/$rev" >&2
mvn -q -B -ntp -o -Dstyle.color=never compile -pl core -Dspotless.check.skip=true >&2
if [ ! -d "target/ab/$rev/core/target/classes" ]; then
  rm -rf "target/ab/$rev"
  git worktree add -q -f --detach "target/ab/$rev" "$rev" >/dev/null
  (cd "target/ab/$rev" && mvn -q -B -ntp -o -Dstyle.color=never compile -pl core -Dspotless.check.skip=true) >&2
fi
mvn -q -B -ntp -o -Dstyle.color=never dependency:build-classpath -pl core -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$PWD/target/ab/dependencies.txt" >/dev/null
deps="$(cat target/ab/dependencies.txt)"

if [ "$first_pass" -gt 0 ]; then
  mkdir -p target/ab/firstpass
  "${jdk:+$jdk/bin/}javac" -nowarn -d target/ab/firstpass -cp "core/target/classes:$deps" bench/ab/FirstPass.java 2>&1 \
    | grep -v -e '^warning: ' -e '^Note: ' -e '^1 warning$' >&2 || true
  # The launcher's JVM settings (./caffe4j), so that the figures are what a user's first pass costs.
  opts=(--add-modules=jdk.incubator.vector -XX:+UseSerialGC -Xms16m -XX:MaxNewSize=64m -XX:PretenureSizeThreshold=1m
    -Xmx4g)
  size=""
  [ "$batch" -gt 0 ] && size="$batch"
  runs="$(mktemp)"
  trap 'rm -f "$runs"' EXIT
  for ((r = 0; r < first_pass; r++)); do
    # Each side starts every other round, so that neither always runs right after the other.
    if ((r % 2 == 0)); then sides="$rev tree"; else sides="tree $rev"; fi
    for side in $sides; do
      classes="$PWD/core/target/classes"
      [ "$side" = tree ] || classes="$PWD/target/ab/$rev/core/target/classes"
      line="$("$java" "${opts[@]}" -cp "target/ab/firstpass:$classes:$deps" FirstPass "$net" "$weights" "$threads" \
        ${size:+"$size"} 2>/dev/null | tail -1)"
      echo "$side: $line" | tee -a "$runs"
    done
  done
  echo "== medians over $first_pass runs each (every run, sorted)"
  for side in "$rev" tree; do
    awk -v side="$side" -F'[ ,]+' 'BEGIN { n = 0 }
      $1 == side ":" { load[n] = $3; pass[n] = $7; alloc[n] = $10; n++ }
      function med(a, k,   i, j, t, s) {
        for (i = 0; i < k; i++) for (j = i + 1; j < k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        for (i = 0; i < k; i++) s = s (i ? " " : "") a[i]
        return (k % 2 ? a[int(k / 2)] : (a[k / 2 - 1] + a[k / 2]) / 2) " (" s ")"
      }
      END {
        if (n == 0) { print side ": no run finished"; exit }
        printf "%s: load %s ms; first pass %s ms; allocated %s MB\n", side == "tree" ? "working tree" : side,
          med(load, n), med(pass, n), med(alloc, n)
      }' "$runs"
  done
  exit 0
fi

variants=("$PWD/target/ab/$rev/core/target/classes:$deps" "$PWD/core/target/classes:$deps")
for dir in "$@"; do
  variants+=("$(cd "$dir" && pwd):$PWD/core/target/classes:$deps")
done
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
for order in $orders; do
  if [ "$orders" != forward ]; then
    [ "$order" = forward ] && echo "== $rev's build loaded first" || echo "== the working tree's build loaded first"
  fi
  "$java" --add-modules jdk.incubator.vector -XX:+UseSerialGC -Xmx6g -DwarmupSeconds="$warmup" -Dbatch="$batch" \
    -DloadOrder="$order" bench/ab/ABModels.java "$net" "$weights" "$rounds" "$passes" "$threads" "${variants[@]}" 2>&1 \
    | grep -v -e '^WARNING: ' -e '^warning: using incubating module' -e '^1 warning$' \
    | tee -a "$results"
done
if [ "$orders" != forward ]; then
  echo "== both load orders (geometric mean of the two medians):"
  # Lines "VARIANT / REFERENCE: median R (range)", one per variant and order.
  awk -F': median ' '/ \/ .*: median / {
      split($2, r, " "); key = $1
      if (count[key]++) { second[key] = r[1] } else { first[key] = r[1]; keys[++n] = key }
    }
    END {
      for (i = 1; i <= n; i++) {
        k = keys[i]
        if (count[k] != 2) continue
        g = sqrt(first[k] * second[k])
        printf "%s: %.3f\n", k, g
        d = first[k] > second[k] ? first[k] / second[k] : second[k] / first[k]
        if (d > 1.1) printf "  (the two JVMs disagree by %.0f%%: their JIT outcomes differ more than the change; repeat, or measure on JDK 25)\n", (d - 1) * 100
      }
    }' "$results"
fi
