#!/usr/bin/env bash
# Every test: sets up what is missing, then the engine's JUnit suite (Maven Surefire), a short real
# fuzzing run of the index loaders (scripts/fuzz.sh, HNSWJ_FUZZ_SECONDS per target, default 30, 0 skips)
# and the pytest suite of the hnswlib module under bin/graalpy. Exits non-zero if any of them fails.
set -uo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
source "$root/scripts/lib.sh"
"$root/scripts/setup.sh" || exit 1
JAVA_HOME="$(find_jdk)"
export JAVA_HOME

echo "==> JUnit (engine)"
(cd "$root" && mvn -B -Dstyle.color=never test 2>&1 | grep -v -e '^WARNING' -e '^\[INFO\] Download')
junit=$?

fuzz_seconds="${HNSWJ_FUZZ_SECONDS:-30}"
if [ "$fuzz_seconds" -gt 0 ]; then
  echo "==> fuzzing the index loaders (${fuzz_seconds}s per loader)"
  "$root/scripts/fuzz.sh" "$fuzz_seconds"
  fuzz=$?
else
  echo "==> fuzzing skipped (HNSWJ_FUZZ_SECONDS=0)"
  fuzz=0
fi

echo "==> pytest (hnswlib module on bin/graalpy)"
(cd "$root" && "$root/bin/graalpy" -m pytest tests -q -p no:cacheprovider -W ignore::DeprecationWarning "$@")
pytest=$?
if [ "$pytest" = 5 ]; then
  echo "error: pytest collected no tests" >&2
fi

echo "==> JUnit exit $junit, fuzzing exit $fuzz, pytest exit $pytest"
[ "$junit" = 0 ] && [ "$fuzz" = 0 ] && [ "$pytest" = 0 ]
