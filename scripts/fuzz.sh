#!/usr/bin/env bash
# Coverage-guided fuzzing of the index loaders with Jazzer (java/src/test/java/io/hnswj/fuzz):
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# fuzzes each target (default: all three) for SECONDS (default 60) in its own JVM, and fails if any
# target finds a crash. Targets: hnswIndexFile, bruteForceFile, pythonPickle.
#
# A finding is written as crash-*/timeout-* under
# java/src/test/resources/io/hnswj/fuzz/LoaderFuzzTestInputs/<target>/: fix the loader, rename the file
# after what it shows, and commit it; `mvn test` then runs it as a regression input. The grown corpus
# stays in java/.cifuzz-corpus/ (git-ignored), so repeated runs go on where the last one stopped.
# A long run on demand: scripts/fuzz.sh 3600 hnswIndexFile
set -uo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$root/scripts/lib.sh"
JAVA_HOME="$(find_jdk)" || exit 1
export JAVA_HOME

seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(hnswIndexFile bruteForceFile pythonPickle)
logs="$root/target/fuzz"
mkdir -p "$logs"

cd "$root"
echo "==> compiling the fuzz tests"
mvn -B -q -Dstyle.color=never test-compile 2>&1 | grep -v -e '^WARNING' || true
[ -d target/test-classes/io/hnswj/fuzz ] || { echo "error: test-compile failed" >&2; exit 1; }

failed=()
for target in "${targets[@]}"; do
  log="$logs/$target.log"
  echo "==> fuzzing $target for ${seconds}s (log: target/fuzz/$target.log)"
  # max_duration ends the run; libFuzzer's -timeout (jazzer.internal.arg.*: argv0, then flags) makes an
  # input that runs over 10 s a finding; the outer timeout only guards against a JVM that never returns
  JAZZER_FUZZ=1 timeout --kill-after=30 "$((seconds + 300))" \
    mvn -B -Dstyle.color=never surefire:test@fuzz-loaders -Dtest="LoaderFuzzTest#$target" \
    -Djazzer.max_duration="${seconds}s" -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-timeout=10 \
    >"$log" 2>&1
  status=$?
  # libFuzzer's first and last status lines: executions, coverage (cov: edges, ft: features), speed
  grep -E '^#[0-9]+[[:space:]]+(INITED|pulse|NEW|REDUCE)' "$log" | sed -n '1p;$p' | sed 's/^/    /'
  grep -E '^Done [0-9]+ runs' "$log" | sed 's/^/    /'
  if [ "$status" != 0 ]; then
    failed+=("$target")
    echo "    FAILED (exit $status)"
    grep -E 'Caused by|^== Java Exception' "$log" | head -n 4 | sed 's/^/    /'
    # the inputs, also as base64, so that a finding of a CI run can be recovered from its log
    for finding in $(grep -oE 'Test unit written to [^ ]+' "$log" | awk '{print $5}' | sort -u); do
      echo "    finding: $finding"
      echo "    base64: $(base64 -w0 "$finding")"
    done
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "==> fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
echo "==> fuzzing: no findings"
