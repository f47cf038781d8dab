#!/usr/bin/env bash
# Where the time goes: hnswlib's C++ and our engine doing the same work under perf, side by side.
#
#   bench/profile.sh [--workloads W2,W5] [--rows N] [--docs]
#
#   --workloads  any of W1..W5 (default W2,W5: l2 at 128 dimensions, cosine at 100)
#   --rows N     profile the first N base rows of each workload (default 60000: a build of 20-30 s)
#   --docs       also write docs/profile.md
#
# Per workload, four runs under `perf record` (CPU-clock samples at 499 Hz, all threads; the JIT's
# code named through -XX:+DumpPerfMapAtExit): each engine's bench driver building the rows with one
# thread, then each searching the graph hnswlib built of them, one query per call over the workload's
# ef sweep. bench/profile.py sums the samples by what they were doing (distance kernel, search loop,
# neighbour selection, locks, JIT compiler, ...) and prints the table. Needs perf (Debian's
# linux-perf, installed if missing and root); builds the drivers and workloads through bench/run.sh
# when they are not there yet. Output: target/bench/profile/.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"

workloads="W2,W5"
rows=60000
docs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --workloads) workloads="$2"; shift 2 ;;
    --rows) rows="$2"; shift 2 ;;
    --docs) docs=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
done

out="$root/target/bench"
cache="$HNSWJ_CACHE/bench"
JAVA_HOME="$(find_jdk)"
java="$JAVA_HOME/bin/java"
engine_jar="$BENCH_ENGINE_JAR"

if ! command -v perf >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    step "apt-get install linux-perf"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null
  fi
  command -v perf >/dev/null || { echo "error: perf is missing (Debian: apt-get install linux-perf)" >&2; exit 1; }
fi

ready() {
  [ -x "$out/hnswlib_driver" ] && [ -f "$out/java/classes/io/hnswj/bench/HnswjBench.class" ] \
    && [ -f "$engine_jar" ] && for w in ${workloads//,/ }; do [ -f "$cache/$w/meta.json" ] || return 1; done
}
if ! ready; then
  step "building the drivers and the workloads (bench/run.sh, a short run)"
  "$root/bench/run.sh" --workloads "$workloads" --engines cpp,java --build-threads 1 --queries 100 \
    --repeats 1 > "$out/profile-setup.log" 2>&1 || { echo "error: see $out/profile-setup.log" >&2; exit 1; }
fi

java_cmd=("$java" "${BENCH_JVM_FLAGS[@]}" -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit
  -cp "$BENCH_CLASS_PATH" io.hnswj.bench.HnswjBench)

profile_run() {  # name dir command...: perf record into dir/name.perf, the report into dir/name.txt
  local name="$1" dir="$2"
  shift 2
  step "$name"
  perf record -q -e cpu-clock -F 499 -o "$dir/$name.perf" -- "$@" > "$dir/$name.out" 2>> "$dir/$name.log"
  perf report -i "$dir/$name.perf" --stdio -n --sort comm,dso,sym -t '|' > "$dir/$name.txt" 2>> "$dir/$name.log"
}

reports=()
for w in ${workloads//,/ }; do
  dir="$out/profile/$w"
  data="$dir/data"
  mkdir -p "$data"
  /usr/bin/python3 "$root/bench/subset.py" "$cache/$w" "$data" "$rows"
  eval "$(/usr/bin/python3 -c 'import json, sys; m = json.load(open(sys.argv[1]))
print("space=%s efs=%s" % (m["space"], ",".join(map(str, m["efs"]))))' "$data/meta.json")"
  # --min-window 0: each pass over the query set once, so that both engines answer the same queries
  # (a window would give the faster one more of them)
  common=(--data "$data" --workload "$w" --space "$space" --m 16 --efc 200 --build-threads 1 --ks 10
    --batch-threads 1 --min-window 0 --tmp "$dir")
  graph="$dir/graph-cpp.bin"
  rm -f "$graph"
  profile_run cpp-build "$dir" "$out/hnswlib_driver" "${common[@]}" --efs 10 --queries 10 --repeats 1 \
    --engine hnswlib-cpp-native --save "$graph"
  profile_run java-build "$dir" "${java_cmd[@]}" "${common[@]}" --efs 10 --queries 10 --repeats 1
  profile_run cpp-search "$dir" "$out/hnswlib_driver" "${common[@]}" --efs "$efs" --queries 0 --repeats 9 \
    --engine hnswlib-cpp-native --index "$graph"
  profile_run java-search "$dir" "${java_cmd[@]}" "${common[@]}" --efs "$efs" --queries 0 --repeats 9 \
    --index "$graph"
  reports+=("$w=$dir")
done

args=(--rows "$rows" --hz 499)
[ "$docs" = 1 ] && args+=(--docs "$root/docs")
/usr/bin/python3 "$root/bench/profile.py" "${args[@]}" "${reports[@]}"
