#!/usr/bin/env bash
# Single-query speed against index size: hnswlib's C++ and ours alternating in one process (PairedBench)
# on graphs of a workload's first N rows, from a few that fit in the CPU's caches to the whole set.
#
#   bench/paired-sizes.sh [--workloads W2,W5] [--sizes 1000,10000,30000,all] [--efs 10,40,160]
#                         [--runs 3] [--docs]
#
#   --workloads  any of W1..W5 (default W2,W5)
#   --sizes      row counts; `all` is the whole workload (default 1000,10000,30000,all)
#   --efs        the ef values searched (default 10,40,160)
#   --runs N     JVMs per graph, each timing everything anew; the table gives their median (default 3)
#   --docs       also write docs/paired-sizes.md
#
# Both engines search the same graph (the one hnswlib's C++ built of those rows, one thread, M=16,
# ef_construction=200) with the same code at every size, visiting the same nodes in the same order; only
# where the vectors and links come from changes: the caches when the graph is small, memory when it is
# not. The ratio at the small sizes is what our search code gains or loses by itself; how it moves as the
# graph outgrows the caches is what waiting on the same memory does to that.
# Builds the drivers, the shim and the workloads through bench/run.sh when they are not there yet.
# Output: target/bench/sizes/.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"

workloads="W2,W5"
sizes="1000,10000,30000,all"
efs="10,40,160"
runs=3
docs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --workloads) workloads="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --efs) efs="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --docs) docs=1; shift ;;
    -h|--help) usage ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
done

out="$root/target/bench"
cache="$HNSWJ_CACHE/bench"
JAVA_HOME="$(find_jdk)"
java="$JAVA_HOME/bin/java"
shim="$out/libhnswlib_shim.so"

ready() {
  [ -x "$out/hnswlib_driver" ] && [ -f "$shim" ] && [ -f "$BENCH_ENGINE_JAR" ] \
    && [ -f "$out/java/classes/io/hnswj/bench/PairedBench.class" ] \
    && for w in ${workloads//,/ }; do
      [ -f "$cache/$w/meta.json" ] && [ -f "$out/graphs/$w-cpp.bin" ] || return 1
    done
}
if ! ready; then
  mkdir -p "$out"
  step "building the drivers, the shim, the workloads and their graphs (bench/run.sh --paired-runs 0)"
  "$root/bench/run.sh" --workloads "$workloads" --engines cpp,java --build-threads 1 --queries 100 \
    --repeats 1 --paired --paired-runs 0 > "$out/sizes-setup.log" 2>&1 \
    || { echo "error: see $out/sizes-setup.log" >&2; exit 1; }
fi

results="$out/sizes/results.jsonl"
mkdir -p "$out/sizes"
: > "$results"
for w in ${workloads//,/ }; do
  space="$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["space"])' "$cache/$w/meta.json")"
  for size in ${sizes//,/ }; do
    if [ "$size" = all ]; then
      data="$cache/$w"
      graph="$out/graphs/$w-cpp.bin"
    else
      dir="$out/sizes/$w-$size"
      data="$dir/data"
      graph="$dir/graph-cpp.bin"
      mkdir -p "$data"
      /usr/bin/python3 "$root/bench/subset.py" "$cache/$w" "$data" "$size"
      if [ ! -f "$graph" ] || [ "$data/base.fvecs" -nt "$graph" ]; then
        step "$w, first $size rows: hnswlib's C++ builds the graph"
        "$out/hnswlib_driver" --data "$data" --workload "$w" --space "$space" --m 16 --efc 200 \
          --build-threads 1 --ks 10 --batch-threads 1 --efs 10 --queries 10 --repeats 1 \
          --engine hnswlib-cpp-native --tmp "$dir" --save "$graph" > "$dir/build.out"
      fi
    fi
    for ((r = 1; r <= runs; r++)); do
      step "$w, $size rows: PairedBench, JVM $r of $runs"
      "$java" "${BENCH_JVM_FLAGS[@]}" -cp "$BENCH_CLASS_PATH" io.hnswj.bench.PairedBench --data "$data" \
        --workload "$w" --space "$space" --ks 10 --efs "$efs" --shim "$shim" --index "$graph" \
        2>> "$out/sizes/paired.log" | grep '^{' >> "$results"
    done
  done
done

args=()
[ "$docs" = 1 ] && args+=(--docs "$root/docs/paired-sizes.md"
  --commit "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)")
/usr/bin/python3 "$root/bench/paired_sizes.py" "${args[@]}" "$results"
