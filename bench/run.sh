#!/usr/bin/env bash
# Benchmarks hnswj against hnswlib on the same data in the same run and prints a table.
#   bench/run.sh [--quick] [--workloads W1,W2] [--no-python]
# Engines: hnswlib's C++ (Debian headers, -O3 -march=native), hnswj from Java, Debian's python3-hnswlib
# under /usr/bin/python3, and our hnswlib module under bin/graalpy. Data and ground truth are cached in
# ~/.cache/hnswj/bench. Results: target/bench/results.jsonl.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$root/scripts/lib.sh"

workloads="W1,W2"
efs="10 20 40 80 160"
python=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) workloads="W1"; efs="50"; shift ;;
    --workloads) workloads="$2"; shift 2 ;;
    --no-python) python=0; shift ;;
    *) echo "usage: bench/run.sh [--quick] [--workloads W1,W2] [--no-python]" >&2; exit 2 ;;
  esac
done

JAVA_HOME="$(find_jdk)"
export JAVA_HOME
out="$root/target/bench"
mkdir -p "$out" "$HNSWJ_CACHE/bench"
if [ ! -f /usr/include/hnswlib/hnswlib.h ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libhnswlib-dev >/dev/null
fi
g++ -O3 -march=native -std=c++17 -pthread -o "$out/hnswlib_driver" "$root/bench/hnswlib_driver.cpp"
(cd "$root" && mvn -B -q -Dstyle.color=never test-compile package -DskipTests)
# shellcheck disable=SC2086
/usr/bin/python3 "$root/bench/make_data.py" "$HNSWJ_CACHE/bench" ${workloads//,/ }

results="$out/results.jsonl"
: > "$results"
cp_java="$root/target/classes:$root/target/test-classes:$root/target/lib/*"
for w in ${workloads//,/ }; do
  data="$HNSWJ_CACHE/bench/$w"
  for threads in 1 2; do
    # shellcheck disable=SC2086
    "$out/hnswlib_driver" "$data" 16 200 "$threads" $efs | sed "s/^{/{\"workload\":\"$w\",/" | tee -a "$results"
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
      -cp "$cp_java" io.hnswj.bench.Bench "$data" 16 200 "$threads" $efs 2>/dev/null \
      | sed "s/^{/{\"workload\":\"$w\",/" | tee -a "$results"
  done
  if [ "$python" = 1 ]; then
    # shellcheck disable=SC2086
    /usr/bin/python3 "$root/bench/py_driver.py" hnswlib-0.6.2-cpython "$data" 16 200 2 $efs \
      | sed "s/^{/{\"workload\":\"$w\",/" | tee -a "$results"
    # shellcheck disable=SC2086
    "$root/bin/graalpy" "$root/bench/py_driver.py" hnswj-graalpy "$data" 16 200 2 $efs 2>/dev/null \
      | sed "s/^{/{\"workload\":\"$w\",/" | tee -a "$results"
  fi
done
/usr/bin/python3 "$root/bench/table.py" "$results"
